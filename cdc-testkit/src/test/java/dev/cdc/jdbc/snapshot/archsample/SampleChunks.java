package dev.cdc.jdbc.snapshot.archsample;

/** A stand-in for a class of the shared JDBC snapshot library, for the architecture rules' own tests. */
public class SampleChunks {
}
