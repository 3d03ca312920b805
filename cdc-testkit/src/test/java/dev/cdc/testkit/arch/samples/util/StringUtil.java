package dev.cdc.testkit.arch.samples.util;

/** Breaks the naming rules on purpose: a grab-bag package and class name. */
public final class StringUtil {
    private StringUtil() {
    }
}
