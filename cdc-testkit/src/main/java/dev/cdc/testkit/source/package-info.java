/**
 * The source conformance kit: {@link dev.cdc.testkit.source.SourceContract}, which every source
 * plugin's test extends, the {@link dev.cdc.testkit.source.SourceDriver} that makes changes in
 * the real database, and a {@link dev.cdc.testkit.source.RecordingSourceContext} and
 * {@link dev.cdc.testkit.source.SourceRunner} to run any source in a test.
 */
package dev.cdc.testkit.source;
