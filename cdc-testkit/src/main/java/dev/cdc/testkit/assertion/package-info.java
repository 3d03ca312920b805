/**
 * Assertions the kits share and that plugin tests may use directly: rows compared by canonical
 * value, and plugin factories checked for a well-formed declaration.
 */
package dev.cdc.testkit.assertion;
