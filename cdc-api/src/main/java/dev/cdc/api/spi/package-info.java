/**
 * The plugin SPI. A plugin is a factory registered in
 * {@code META-INF/services/<factory interface>}, found by {@link java.util.ServiceLoader}, and
 * matched by its {@link dev.cdc.api.spi.PluginFactory#type()} against the {@code type:} key in
 * YAML.
 *
 * <h2>Lifecycle</h2>
 * A factory validates and constructs; it opens no connection. The engine then calls
 * {@code open}, the working methods ({@code run}/{@code write}/{@code flush}), and
 * {@code close}, which is idempotent. Each interface states which threads call it.
 */
package dev.cdc.api.spi;
