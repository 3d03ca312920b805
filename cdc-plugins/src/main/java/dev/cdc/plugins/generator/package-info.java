/**
 * The {@code generator} source: a reproducible stream of SYNTHETIC row changes, for demos,
 * tests and benchmarks, where change {@code n} depends only on the options and {@code n}.
 */
package dev.cdc.plugins.generator;
