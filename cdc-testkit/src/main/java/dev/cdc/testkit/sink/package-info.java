/**
 * The sink conformance kit: {@link dev.cdc.testkit.sink.SinkContract}, which every sink plugin's
 * test extends, the {@link dev.cdc.testkit.sink.SinkCapability capabilities} a sink declares,
 * and the {@link dev.cdc.testkit.sink.SinkView} through which the kit reads the target back.
 */
package dev.cdc.testkit.sink;
