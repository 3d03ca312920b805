package dev.cdc.launcher.archsample;

/** A stand-in launcher class for the architecture rules' own tests. */
public class SampleMain {
}
