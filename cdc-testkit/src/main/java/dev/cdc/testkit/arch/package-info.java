/**
 * The architecture of cdc as tests: {@link dev.cdc.testkit.arch.ArchitectureRules} (ArchUnit
 * rules with "because ... do this instead" messages) and {@link dev.cdc.testkit.arch.ServiceFiles}
 * (checks of {@code META-INF/services} files, which ArchUnit cannot see).
 */
package dev.cdc.testkit.arch;
