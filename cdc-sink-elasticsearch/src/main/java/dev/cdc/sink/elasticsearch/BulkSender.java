package dev.cdc.sink.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cdc.api.error.PartialWriteException.EventFailure;
import dev.cdc.api.error.RetriableException;
import dev.cdc.api.event.ChangeEvent;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.ResponseListener;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Collects bulk actions into NDJSON bodies and sends them: when a body holds {@code maxActions}
 * actions or {@code maxBytes} bytes, when it is {@code flushInterval} old, and on {@link #drain()}.
 * At most {@code maxInFlight} requests are outstanding; a full window blocks the caller.
 *
 * <p>Each response is read item by item. Success, a 409 version conflict (the index already holds
 * a newer version: the event is stale) and a 404 of a delete are successes; 429 and 5xx items,
 * are retriable failures; other rejections (mapping, parsing: 400) are permanent failures carrying
 * Elasticsearch's reason. Failures collect until {@link #takeFailures()}. A request that failed as
 * a whole with a retriable cause (connection refused or lost, timeout, 408, 429, 5xx) is an outage
 * of the cluster, not a failure of its documents: it is kept apart ({@link #takeOutage()}), so the
 * engine retries it until it ends and never dead-letters a document because the cluster was down.
 *
 * <p>Threads: {@link #add}, {@link #drain}, {@link #takeFailures} and {@link #discard} come from the
 * lane thread; a timer thread sends aged bodies; responses arrive on the client's I/O threads.
 */
final class BulkSender implements AutoCloseable {

    private final EsClient client;
    private final int maxActions;
    private final long maxBytes;
    private final int maxInFlight;
    private final long intervalNanos;
    private final Semaphore window;
    private final ScheduledExecutorService timer;

    private ByteArrayOutputStream body = new ByteArrayOutputStream(64 * 1024);
    private List<ChangeEvent> owners = new ArrayList<>();
    private long startedNanos;
    /** Failures per event (identity: the engine matches the instances it passed). */
    private final Map<ChangeEvent, EventFailure> failures = new IdentityHashMap<>();
    /**
     * The failed events whose document Elasticsearch refused to parse (400 of an {@code index}
     * item): it parses a document before it compares versions, so a stale row of an older shape
     * gets a 400 instead of a 409; the sink decides which of them are stale.
     */
    private final Map<ChangeEvent, Boolean> documentRejections = new IdentityHashMap<>();
    /** Guards {@link #failures} and {@link #documentRejections}; never held while waiting for the request window. */
    private final Object failuresLock = new Object();
    /** The first request since the last {@link #takeOutage()} that failed as a whole, retriably. */
    private Exception outage;

    BulkSender(EsClient client, int maxActions, long maxBytes, int maxInFlight, Duration flushInterval) {
        this.client = client;
        this.maxActions = maxActions;
        this.maxBytes = maxBytes;
        this.maxInFlight = maxInFlight;
        this.intervalNanos = flushInterval.toNanos();
        this.window = new Semaphore(maxInFlight);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cdc-elasticsearch-bulk-timer");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(10, flushInterval.toMillis() / 2);
        timer.scheduleWithFixedDelay(this::sendIfAged, period, period, TimeUnit.MILLISECONDS);
    }

    /** Appends the NDJSON lines of one event's actions ({@code actions} lines pairs or singles). */
    synchronized void add(ChangeEvent event, byte[] lines, int actions) throws InterruptedException {
        if (owners.isEmpty()) {
            startedNanos = System.nanoTime();
        }
        body.write(lines, 0, lines.length);
        for (int i = 0; i < actions; i++) {
            owners.add(event);
        }
        if (owners.size() >= maxActions || body.size() >= maxBytes) {
            send();
        }
    }

    /** Records a failure found before sending (an invalid value, a missing key). */
    void fail(ChangeEvent event, String reason, boolean retriable) {
        synchronized (failuresLock) {
            merge(event, reason, retriable);
        }
    }

    /** Sends what is buffered and waits until every request sent so far has been answered. */
    void drain() throws InterruptedException {
        synchronized (this) {
            send();
        }
        window.acquire(maxInFlight);
        window.release(maxInFlight);
    }

    /** The failures since the last call, in no order. */
    List<EventFailure> takeFailures() {
        synchronized (failuresLock) {
            List<EventFailure> out = new ArrayList<>(failures.values());
            failures.clear();
            return out;
        }
    }

    /** The first retriable failure of a whole request since the last call, if any (the cluster was unreachable). */
    Optional<Exception> takeOutage() {
        synchronized (failuresLock) {
            Optional<Exception> out = Optional.ofNullable(outage);
            outage = null;
            return out;
        }
    }

    /** The events of the failures since the last call that were document rejections (see the field). */
    java.util.Set<ChangeEvent> takeDocumentRejections() {
        synchronized (failuresLock) {
            java.util.Set<ChangeEvent> out = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
            out.addAll(documentRejections.keySet());
            documentRejections.clear();
            return out;
        }
    }

    /** Forgets buffered (unsent) actions and recorded failures: the engine will write the batch again. */
    synchronized void discard() {
        body = new ByteArrayOutputStream(64 * 1024);
        owners = new ArrayList<>();
        synchronized (failuresLock) {
            failures.clear();
            documentRejections.clear();
            outage = null;
        }
    }

    private synchronized void sendIfAged() {
        if (!owners.isEmpty() && System.nanoTime() - startedNanos >= intervalNanos) {
            try {
                send();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void send() throws InterruptedException {
        if (owners.isEmpty()) {
            return;
        }
        byte[] bytes = body.toByteArray();
        List<ChangeEvent> events = owners;
        body = new ByteArrayOutputStream(Math.max(64 * 1024, bytes.length));
        owners = new ArrayList<>(events.size());
        window.acquire();
        try {
            client.bulkAsync(bytes, new ResponseListener() {
                @Override
                public void onSuccess(Response response) {
                    try {
                        readItems(events, EsClient.parse(response));
                    } finally {
                        window.release();
                    }
                }

                @Override
                public void onFailure(Exception e) {
                    try {
                        failAll(events, e);
                    } finally {
                        window.release();
                    }
                }
            });
        } catch (RuntimeException e) {
            window.release();
            failAll(events, e);
        }
    }

    private void readItems(List<ChangeEvent> events, JsonNode body) {
        if (!body.path("errors").asBoolean(false)) {
            return;
        }
        JsonNode items = body.path("items");
        synchronized (failuresLock) {
            for (int i = 0; i < items.size() && i < events.size(); i++) {
                JsonNode item = items.get(i).elements().next();
                int status = item.path("status").asInt(200);
                if (status < 300 || status == 409 || status == 404 && !item.has("error")) {
                    continue;
                }
                boolean retriable = status == 429 || status >= 500;
                if (status == 400 && items.get(i).has("index")) {
                    documentRejections.put(events.get(i), true);
                }
                merge(events.get(i), "Elasticsearch rejected the document (" + status + "): "
                        + EsClient.reason(item), retriable);
            }
        }
    }

    private void failAll(List<ChangeEvent> events, Exception e) {
        boolean retriable = true;
        String reason = "bulk request failed: " + e;
        if (e instanceof ResponseException re) {
            int status = re.getResponse().getStatusLine().getStatusCode();
            retriable = status == 429 || status >= 500 || status == 408;
            reason = "bulk request failed with " + status + ": " + EsClient.reason(EsClient.parse(re.getResponse()));
        }
        synchronized (failuresLock) {
            if (retriable) {
                if (outage == null) {
                    outage = new RetriableException(reason, e);
                }
                return;
            }
            Map<ChangeEvent, Boolean> seen = new IdentityHashMap<>();
            for (ChangeEvent event : events) {
                if (seen.put(event, true) == null) {
                    merge(event, reason, retriable);
                }
            }
        }
    }

    /** One failure per event: retriable only while every failure of it is. */
    private void merge(ChangeEvent event, String reason, boolean retriable) {
        EventFailure old = failures.get(event);
        if (old == null) {
            failures.put(event, new EventFailure(event, reason, retriable));
        } else if (old.retriable() && !retriable) {
            failures.put(event, new EventFailure(event, reason, false));
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
