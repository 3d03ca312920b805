package dev.cdc.api.archsample;

import org.junit.jupiter.api.TestInfo;

/** Breaks the API rule on purpose: a library type in an API signature. */
public interface LeakyApi {
    void describe(TestInfo info);
}
