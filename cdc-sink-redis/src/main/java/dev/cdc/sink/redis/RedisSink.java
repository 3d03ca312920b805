package dev.cdc.sink.redis;

import dev.cdc.api.error.CdcException;
import dev.cdc.api.error.PartialWriteException;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.SchemaChange;
import dev.cdc.api.schema.SchemaChangeKind;
import dev.cdc.api.spi.Sink;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code redis} sink. {@code write} encodes events into chunks of {@value #CHUNK_EVENTS} and
 * sends each full chunk at once, pipelined, as one EVALSHA of the mode's script (invalidate: one
 * UNLINK), so Redis works on one chunk while the next is encoded; {@code flush} sends the rest and
 * waits for every reply. A TRUNCATE first waits for what was sent, then deletes the table's keys
 * with SCAN and UNLINK (stream mode: appends a truncate entry instead).
 *
 * <p>Every write is idempotent: the row modes and the stream mode apply an event only if its sort
 * key is later than the one Redis holds, in the same script, so the engine may repeat a batch
 * after any failure. A failure closes the connection; the next call reconnects (and loads the
 * script again if Redis restarted).
 *
 * <h2>Threads</h2>
 * One lane thread calls every method, as the Sink contract says.
 */
final class RedisSink implements Sink {

    static final int CHUNK_EVENTS = 250;

    /** A chunk sent, with its pending reply. */
    private record Sent(ScriptChunk chunk, Response<?> reply) {
    }

    private final RedisEndpoint endpoint;
    private final RedisMode mode;
    private final ChunkEncoder encoder;
    private final RowKeys rowKeys;
    private final int scanCount;
    private final String name;
    private final KeylessRows keyless;

    private Jedis jedis;
    private Pipeline pipeline;
    private byte[] scriptSha;
    private boolean bytewise;
    private ScriptChunk chunk = new ScriptChunk();
    private final List<Sent> sent = new ArrayList<>();
    private final List<PartialWriteException.EventFailure> failures = new ArrayList<>();

    /**
     * @param encoder null for invalidate mode
     * @param rowKeys null for stream mode
     */
    RedisSink(String name, RedisEndpoint endpoint, RedisMode mode, ChunkEncoder encoder, RowKeys rowKeys,
              int scanCount, KeylessRows keyless) {
        this.name = name;
        this.keyless = keyless;
        this.endpoint = endpoint;
        this.mode = mode;
        this.encoder = encoder;
        this.rowKeys = rowKeys;
        this.scanCount = scanCount;
    }

    @Override
    public void open() {
        try {
            connect();
        } catch (RuntimeException e) {
            throw failure("could not connect", e);
        }
    }

    @Override
    public void write(List<ChangeEvent> sent) {
        try {
            // the row modes key every row: keyless rows are keyed, left out or failed per keyless-tables
            List<ChangeEvent> events = mode == RedisMode.STREAM ? sent : keyless.keyed(sent, failures);
            BitSet superseded = mode == RedisMode.STREAM ? new BitSet() : Superseded.of(events);
            for (int i = 0; i < events.size(); i++) {
                ChangeEvent e = events.get(i);
                if (superseded.get(i)) {
                    continue; // a later event of this batch replaces the row whole
                }
                if (e.operation() == Operation.TRUNCATE && mode != RedisMode.STREAM) {
                    send();
                    await();
                    truncate(e.table(), e.position().sortKey());
                } else {
                    add(e);
                    if (chunk.size() >= CHUNK_EVENTS) {
                        send();
                    }
                }
            }
        } catch (RuntimeException e) {
            throw failure("could not write " + sent.size() + " event(s)", e);
        }
    }

    @Override
    public void flush() {
        try {
            send();
            await();
        } catch (RuntimeException e) {
            throw failure("could not flush", e);
        }
        keyless.forget(); // every reply is in: no failure can name a keyed copy any more
        if (!failures.isEmpty()) {
            List<PartialWriteException.EventFailure> failed = List.copyOf(failures);
            failures.clear();
            throw new PartialWriteException(failed);
        }
    }

    /** Every kind: Redis holds no schema; see {@link #applySchemaChange}. */
    @Override
    public Set<SchemaChangeKind> supportedSchemaChanges() {
        return EnumSet.allOf(SchemaChangeKind.class);
    }

    /**
     * Redis keys are schemaless, so a change of columns needs nothing: later rows carry the new
     * shape (in hash mode a field of a dropped or renamed column goes when its row is next written
     * whole). A dropped or renamed table's keys are deleted as by a TRUNCATE at the change's
     * position, so a cache never serves rows of a table that no longer exists. Stream mode appends
     * the change's envelope (op {@code schema}) to the table's stream, once, after the events before
     * it. Everything written before is sent and waited for first.
     */
    @Override
    public void applySchemaChange(SchemaChangeEvent change) {
        try {
            send();
            await();
            if (mode != RedisMode.STREAM && change.after().map(a -> !a.hasPrimaryKey()).orElse(false)) {
                keyless.report(change.table()); // said when the table is announced, not at its first row
            }
            if (mode == RedisMode.STREAM) {
                ((StreamEntries) encoder).addSchemaChange(change, chunk);
                send();
                await();
            } else {
                for (TableId gone : removedTables(change)) {
                    truncate(gone, change.position().sortKey());
                }
            }
        } catch (RuntimeException e) {
            throw failure("could not apply a schema change of " + change.table(), e);
        }
    }

    /** The tables a schema change removes: dropped ones, and the old name of a renamed one. */
    static List<TableId> removedTables(SchemaChangeEvent change) {
        List<TableId> gone = new ArrayList<>();
        for (SchemaChange c : change.changes()) {
            if (c instanceof SchemaChange.DropTable drop) {
                gone.add(drop.table());
            } else if (c instanceof SchemaChange.RenameTable rename) {
                gone.add(rename.from());
            }
        }
        if (gone.isEmpty() && change.changes().isEmpty() && change.after().isEmpty()) {
            gone.add(change.table()); // dropped, the changes not computed
        }
        return gone;
    }

    private void add(ChangeEvent e) {
        if (encoder != null) {
            encoder.add(e, chunk);
        } else {
            chunk.addEvent(e);
            chunk.key(ScriptChunk.utf8(rowKeys.key(e)));
        }
    }

    // ------------------------------------------------------------------ connection and sending

    private Jedis connection() {
        if (jedis == null) {
            connect();
        }
        return jedis;
    }

    private void connect() {
        Jedis j = endpoint.connect();
        try {
            bytewise = isByteOrder(j);
            if (encoder != null) {
                scriptSha = ScriptChunk.utf8(j.scriptLoad(script(encoder.script())));
            }
        } catch (RuntimeException e) {
            j.close();
            throw e;
        }
        jedis = j;
    }

    /**
     * Whether Lua's {@code <} on strings is byte order on this server. Lua compares strings with
     * strcoll, so the answer depends on the locale Redis runs under (C and C.UTF-8: yes;
     * en_US.UTF-8: no, punctuation is ignored). When it is not, the scripts compare sort keys
     * byte by byte, which is slower.
     */
    private static boolean isByteOrder(Jedis j) {
        Object r = j.eval("for c = 32, 125 do if not (string.char(c) < string.char(c + 1)) then return 0 end end "
                + "if not ('a-c' < 'ab') or not ('A' < 'a') or not ('a' < 'a0') then return 0 end return 1");
        return Long.valueOf(1).equals(r);
    }

    static String script(String resource) {
        return resource("common.lua") + "\n" + resource(resource);
    }

    private static String resource(String name) {
        try (InputStream in = RedisSink.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " is missing from the cdc-sink-redis jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("could not read resource " + name, e);
        }
    }

    /** Sends the current chunk, pipelined, without waiting for the reply. */
    private void send() {
        if (chunk.isEmpty()) {
            return;
        }
        ScriptChunk c = chunk;
        chunk = new ScriptChunk();
        sent.add(new Sent(c, dispatch(c)));
    }

    private Response<?> dispatch(ScriptChunk c) {
        Jedis j = connection();
        if (pipeline == null) {
            pipeline = new Pipeline(j.getConnection());
        }
        Response<?> reply = encoder == null ? pipeline.unlink(c.keys().toArray(byte[][]::new))
                : pipeline.evalsha(scriptSha, c.keys(), encoder.packed() ? c.packedArgs(encoder.header(bytewise))
                        : c.args(encoder.header(bytewise)));
        // push the whole chunk out now, so Redis runs it while the next chunk is encoded
        ((FlushingConnection) j.getConnection()).push();
        return reply;
    }

    /** Waits for every reply; reloads the script and sends again what Redis did not know (NOSCRIPT). */
    private void await() {
        for (int round = 0; !sent.isEmpty(); round++) {
            if (pipeline != null) {
                pipeline.sync();
            }
            List<ScriptChunk> again = new ArrayList<>();
            RuntimeException first = null;
            for (Sent s : sent) {
                try {
                    handle(s.chunk(), s.reply().get());
                } catch (JedisNoScriptException e) {
                    again.add(s.chunk());
                } catch (RuntimeException e) {
                    if (first == null) {
                        first = e;
                    }
                }
            }
            sent.clear();
            if (first != null) {
                throw first;
            }
            if (!again.isEmpty()) {
                if (round > 0) {
                    throw new CdcException("Redis lost the sink's script again right after SCRIPT LOAD (NOSCRIPT); "
                            + "is something running SCRIPT FLUSH?");
                }
                scriptSha = ScriptChunk.utf8(connection().scriptLoad(script(encoder.script())));
                for (ScriptChunk c : again) {
                    sent.add(new Sent(c, dispatch(c)));
                }
            }
        }
    }

    /** A row script's reply: {event number, error, ...} for events whose key could not be read. */
    private void handle(ScriptChunk c, Object reply) {
        if (!(reply instanceof List<?> list)) {
            return;
        }
        for (int i = 0; i + 1 < list.size(); i += 2) {
            int index = (int) (long) (Long) list.get(i) - 1;
            Object error = list.get(i + 1);
            String message = error instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(error);
            ChangeEvent e = c.events().get(index);
            failures.add(new PartialWriteException.EventFailure(keyless.origin(e), "Redis refused key "
                    + rowKeys.key(e) + ": " + message + hint(message), RedisErrors.isRetriable(message)));
        }
    }

    private static String hint(String message) {
        return message.startsWith("WRONGTYPE") ? " (another program uses this key for another type; change"
                + " key-template so the sink's keys do not collide with it)" : "";
    }

    // ------------------------------------------------------------------ truncate

    /** Deletes the table's keys (SCAN + UNLINK) and, in the row modes, records the truncate's sort key. */
    private void truncate(TableId table, String sortKey) {
        String pattern = rowKeys.pattern(table);
        if (pattern.startsWith("*") || !rowKeys.template().hasTableVariable()) {
            throw new CdcException("cannot truncate " + table + ": key-template '" + rowKeys.template()
                    + "' does not put the table before ${key}, so SCAN MATCH '" + pattern
                    + "' would delete other tables' keys too; use a template such as ${table}:${key}");
        }
        Jedis j = connection();
        String marker = rowKeys.truncateMarker(table);
        if (mode.storesRows()) {
            String applied = j.get(marker);
            if (applied != null && applied.compareTo(sortKey) >= 0) {
                return; // this truncate (or a later one) was applied already: a replay
            }
        }
        byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
        ScanParams params = new ScanParams().match(pattern).count(scanCount);
        do {
            ScanResult<byte[]> page = j.scan(cursor, params);
            List<byte[]> keys = page.getResult();
            if (!keys.isEmpty()) {
                j.unlink(keys.toArray(byte[][]::new));
            }
            cursor = page.getCursorAsBytes();
        } while (!Arrays.equals(cursor, ScanParams.SCAN_POINTER_START_BINARY));
        if (mode.storesRows()) {
            // set after the scan: a crash halfway leaves no marker, so the replayed truncate scans again
            j.set(marker, sortKey);
        }
    }

    // ------------------------------------------------------------------ failures and close

    /** Resets the connection and buffers, and turns the failure into a retriable or permanent one. */
    private CdcException failure(String doing, RuntimeException e) {
        chunk = new ScriptChunk();
        sent.clear();
        failures.clear();
        keyless.forget();
        closeConnection();
        if (e instanceof CdcException cdc) {
            return cdc;
        }
        String where = "sink '" + name + "' (redis, mode " + mode.yamlName() + ") " + doing + " at " + endpoint;
        return RedisErrors.translate(where, e);
    }

    private void closeConnection() {
        pipeline = null;
        Jedis j = jedis;
        jedis = null;
        if (j != null) {
            try {
                j.close();
            } catch (RuntimeException ignored) {
                // the connection is being dropped after a failure anyway
            }
        }
    }

    @Override
    public void close() {
        chunk = new ScriptChunk();
        sent.clear();
        failures.clear();
        closeConnection();
    }

    @Override
    public String toString() {
        return "RedisSink[" + name + ", " + mode.yamlName() + ", " + endpoint + "]";
    }
}
