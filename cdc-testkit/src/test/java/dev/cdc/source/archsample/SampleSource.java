package dev.cdc.source.archsample;

import dev.cdc.jdbc.snapshot.archsample.SampleChunks;

/** A stand-in plugin class for the architecture rules' own tests; uses the shared JDBC snapshot library, as allowed. */
public class SampleSource {
    SampleChunks chunks = new SampleChunks();
}
