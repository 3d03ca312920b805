package dev.cdc.sink.archsample;

import dev.cdc.launcher.archsample.SampleMain;
import dev.cdc.source.archsample.SampleSource;

/** Breaks the plugin rules on purpose: depends on another plugin and on the launcher. */
public class SampleSink {
    SampleSource source = new SampleSource();
    SampleMain main = new SampleMain();
}
