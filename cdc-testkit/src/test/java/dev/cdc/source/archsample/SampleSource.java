package dev.cdc.source.archsample;

/** A stand-in plugin class for the architecture rules' own tests. */
public class SampleSource {
}
