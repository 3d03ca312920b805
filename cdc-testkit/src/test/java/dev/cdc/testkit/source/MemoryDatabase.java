package dev.cdc.testkit.source;

import dev.cdc.api.event.Operation;
import dev.cdc.api.event.TableId;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A database whose log is a list: what {@link MemorySource} reads and {@link MemoryDriver} writes. Thread-safe. */
final class MemoryDatabase {

    /** One committed change. */
    record Change(TableId table, Operation operation, long id, String name, BigDecimal amount) {
    }

    private static final Map<String, MemoryDatabase> DATABASES = new ConcurrentHashMap<>();

    private final List<Change> log = new ArrayList<>();

    static MemoryDatabase named(String name) {
        return DATABASES.computeIfAbsent(name, n -> new MemoryDatabase());
    }

    static void remove(String name) {
        DATABASES.remove(name);
    }

    synchronized void commit(Change change) {
        log.add(change);
    }

    synchronized int size() {
        return log.size();
    }

    /** The changes from index {@code from} on. */
    synchronized List<Change> from(int from) {
        return from >= log.size() ? List.of() : List.copyOf(new ArrayList<>(log.subList(from, log.size())));
    }
}
