package dev.cdc.core.runtime;

import dev.cdc.core.spec.PluginSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The plugins a pipeline run created, so they are closed (in reverse order) when it ends. Used
 * from the starting and the shutdown thread, one after the other.
 */
final class Plugins {

    private static final Logger LOG = LoggerFactory.getLogger(Plugins.class);

    private final String pipeline;
    private final PluginContexts contexts;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    Plugins(String pipeline, PluginContexts contexts) {
        this.pipeline = pipeline;
        this.contexts = contexts;
    }

    /** Creates the plugin with its context and keeps it to close. */
    <T> T create(PluginSpec<T> spec) {
        return track(spec.create(contexts.of(spec)));
    }

    <T> List<T> createAll(List<PluginSpec<T>> specs) {
        List<T> out = new ArrayList<>();
        for (PluginSpec<T> s : specs) {
            out.add(create(s));
        }
        return List.copyOf(out);
    }

    synchronized <T> T track(T plugin) {
        if (plugin instanceof AutoCloseable c) {
            closeables.add(c);
        }
        return plugin;
    }

    synchronized void closeAll() {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            AutoCloseable c = closeables.get(i);
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("pipeline '{}': closing {} failed: {}", pipeline, c.getClass().getSimpleName(), e.toString());
            }
        }
        closeables.clear();
    }
}
