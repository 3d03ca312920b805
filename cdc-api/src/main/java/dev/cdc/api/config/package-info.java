/**
 * Typed plugin options: each plugin declares its {@link dev.cdc.api.config.ConfigOption}s, and
 * the engine binds YAML (or a map) to a validated {@link dev.cdc.api.config.Configuration}.
 */
package dev.cdc.api.config;
