package dev.cdc.launcher;

import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One write after another on a thread of its own until closed, for tests that change a table's
 * schema under load: a write that fails with an {@link SQLException} (a DDL holding the table) is
 * simply tried again with the next one.
 */
final class BackgroundWrites implements AutoCloseable {

    /** One write. */
    @FunctionalInterface
    interface Write {
        void run() throws SQLException;
    }

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    BackgroundWrites(String name, Write write) {
        thread = new Thread(() -> {
            while (running.get()) {
                try {
                    write.run();
                } catch (SQLException e) {
                    // the table is locked by a DDL: the next write tries again
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "writes-" + name);
        thread.start();
    }

    /** Stops after the write in progress and waits for it. */
    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join();
    }
}
