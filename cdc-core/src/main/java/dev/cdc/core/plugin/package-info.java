/**
 * Plugin discovery and lookup: {@link dev.cdc.core.plugin.PluginRegistry} finds every factory with
 * {@link java.util.ServiceLoader} and fails loudly on conflicts, and
 * {@link dev.cdc.core.plugin.PluginCatalog} renders the registered plugins and their options.
 */
package dev.cdc.core.plugin;
