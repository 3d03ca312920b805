package dev.cdc.kafka.source;

import dev.cdc.api.error.CdcException;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.spi.Source;
import dev.cdc.api.spi.SourceContext;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The {@code kafka} source: a consumer of a group reads the topics and hands their records, as
 * events, to the pipeline.
 *
 * <h2>Positions and checkpoints</h2>
 * An event's position holds, for every partition the source owns, the offset to read next once
 * the event is delivered ({@code "<topic>/<partition>" -> offset}): everything before it in that
 * partition was handed to the pipeline before the event. When the engine commits a checkpoint,
 * {@link #commit} passes its offsets to the consumer thread, which commits them to the group
 * ({@code commitSync}) for the partitions it still owns: the group's offsets never run ahead of
 * what every sink acknowledged. On open, and whenever partitions are assigned, each partition
 * resumes from the later of the checkpoint's offset and the group's committed offset (another
 * member may have moved it on), else per {@code start-from}.
 *
 * <h2>Rebalances</h2>
 * Before partitions are revoked, the last checkpoint's offsets are committed; then the partitions
 * are dropped from the position, and records of them still in a poll are not emitted. Events of
 * them already in the pipeline are delivered, but their offsets are committed only by the new
 * owner, which reads again from the committed offset: nothing acknowledged is lost, at worst some
 * events are delivered twice.
 *
 * <h2>Threads</h2>
 * The consumer (not thread-safe) is used by the source thread only: {@link #commit} (checkpoint
 * thread) only hands over the position.
 */
final class KafkaSource implements Source {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaSource.class);
    private static final Duration UNASSIGNED_WARNING = Duration.ofSeconds(30);

    private final KafkaSourceConfig config;
    private final String clientId;
    /** The static group membership id, if any. */
    private final Optional<String> instanceId;
    private final AtomicReference<Position> toCommit = new AtomicReference<>();
    private final Set<TopicPartition> owned = new HashSet<>();
    private final Map<String, Long> resume = new HashMap<>();
    /** Per owned partition, the sort key of its last row handed on. */
    private final Map<TopicPartition, String> last = new HashMap<>();
    /** Partitions paused until a schema change may pass (see {@link #othersPassed}). */
    private final Map<TopicPartition, Held> held = new HashMap<>();
    /** The partitions whose records of the current poll are not decoded yet. */
    private final Set<TopicPartition> unread = new HashSet<>();
    private KafkaConsumer<byte[], byte[]> consumer;
    private SchemaTopic schemaTopic;
    private RecordDecoder decoder;
    private RecordParser parser;
    private Position position = Position.of(Map.of(), "");
    private long lastPoll;
    private boolean closed;

    KafkaSource(KafkaSourceConfig config, String pipelineName, String instanceName) {
        this.config = config;
        this.clientId = "cdc-" + pipelineName + "-" + instanceName;
        this.instanceId = config.instanceId(clientId);
    }

    @Override
    public void open(SourceContext context) {
        context.resumePosition().ifPresent(p -> p.offsets().forEach((name, offset) -> resume.put(name,
                Long.parseLong(offset))));
        schemaTopic = config.schemaTopic().map(t -> new SchemaTopic(t, config.schemaReaderProperties(clientId + "-schemas")))
                .orElse(null);
        SchemaHistory history = new SchemaHistory(schemaTopic);
        history.catchUp();
        decoder = new RecordDecoder(config, history);
        parser = new RecordParser(RecordDecoder.format(config), history, config.decodeThreads(), clientId);
        consumer = new KafkaConsumer<>(config.consumerProperties(clientId, instanceId));
        Rebalances listener = new Rebalances();
        if (config.topicPattern().isPresent()) {
            consumer.subscribe(config.topicPattern().get(), listener);
        } else {
            consumer.subscribe(config.topics(), listener);
        }
        LOG.info("kafka source: group '{}' reading {} ({}, {}, {})", config.groupId(),
                config.topicPattern().map(p -> "topics matching " + p).orElse("topics " + config.topics()),
                config.isolationLevel(), instanceId.map(id -> "static member '" + id + "'").orElse("dynamic member"),
                config.client());
    }

    @Override
    public void run(SourceContext context) throws InterruptedException {
        long started = System.nanoTime();
        boolean warned = false;
        while (!context.isStopping()) {
            commitCheckpoint();
            ConsumerRecords<byte[], byte[]> records = poll();
            lastPoll = System.nanoTime();
            if (owned.isEmpty() && !warned && lastPoll - started > UNASSIGNED_WARNING.toNanos()) {
                warned = true;
                LOG.warn("kafka source: group '{}' has been given no partition of {} in {} s: the brokers at {} cannot be"
                        + " reached, the topics do not exist, or other members of the group hold every partition (a member"
                        + " killed without leaving holds its partitions until its session.timeout.ms, 45 s by default)",
                        config.groupId(), config.topicPattern().map(p -> "topics matching " + p)
                                .orElse("topics " + config.topics()), UNASSIGNED_WARNING.toSeconds(),
                        String.join(",", config.client().bootstrapServers()));
            }
            List<StreamEvent> batch = new ArrayList<>(records.count() + 4);
            if (records.isEmpty() && caughtUp()) {
                batch.addAll(decoder.caughtUp(position));
            }
            unread.addAll(records.partitions());
            Map<TopicPartition, Object[]> parsed = parser.parse(records);
            for (TopicPartition tp : records.partitions()) {
                read(context, records.records(tp), parsed.get(tp), tp, batch);
                unread.remove(tp);
            }
            releaseHeld();
            if (!batch.isEmpty()) {
                context.emit(batch, this::whileWaiting);
            }
        }
    }

    private ConsumerRecords<byte[], byte[]> poll() {
        try {
            return consumer.poll(config.pollTimeout());
        } catch (FencedInstanceIdException e) {
            throw new CdcException("kafka source: another member of group '" + config.groupId() + "' joined with this "
                    + "one's group-instance-id '" + instanceId.orElse("") + "' and fenced it; give each running instance "
                    + "of the pipeline a group-instance-id of its own", e);
        }
    }

    /** Decodes one partition's records of a poll into the batch, unless it is revoked or held. */
    private void read(SourceContext context, List<ConsumerRecord<byte[], byte[]>> records, Object[] parsed,
                      TopicPartition tp, List<StreamEvent> batch) throws InterruptedException {
        for (int i = 0; i < records.size(); i++) {
            ConsumerRecord<byte[], byte[]> r = records.get(i);
            if (!owned.contains(tp) || held.containsKey(tp)) {
                return; // revoked while this poll's records were waiting, or waiting for a schema change
            }
            Position next;
            try {
                next = decoder.decode(r, parsed == null ? null : parsed[i], name(tp), position, batch,
                        sk -> othersPassed(tp, sk));
            } catch (CdcException e) {
                context.emit(batch, this::whileWaiting); // what came before the bad record is delivered
                throw e;
            }
            if (next == null) {
                consumer.seek(tp, r.offset()); // read it again once the other partitions passed the change
                consumer.pause(List.of(tp));
                held.put(tp, new Held(decoder.lastSortKey(), decoder.heldFor()));
                return;
            }
            position = next;
            last.put(tp, decoder.lastSortKey());
        }
    }

    /** A partition waiting for a schema change: its next row's sort key, and the change's. */
    private record Held(String rowSortKey, String schemaSortKey) {
    }

    /**
     * Whether every other partition of {@code tp}'s topic is past {@code schemaSortKey} (its last
     * row, or the row it waits with, is at or after it) or read to its end: then no row of the old
     * shape can follow the schema change, which the sinks' schema gates rely on (a row before a
     * change they applied counts as handled). Rows of one table on several partitions have no
     * order between them in Kafka; this puts the schema change back where it was in the log.
     */
    private boolean othersPassed(TopicPartition tp, String schemaSortKey) {
        for (TopicPartition q : owned) {
            if (q.equals(tp) || !q.topic().equals(tp.topic())) {
                continue;
            }
            Held h = held.get(q);
            String frontier = h != null ? h.rowSortKey() : last.get(q);
            if (frontier != null && frontier.compareTo(schemaSortKey) >= 0) {
                continue;
            }
            OptionalLong lag = consumer.currentLag(q); // counts this poll's records as read: see unread
            if (h != null || unread.contains(q) || lag.isEmpty() || lag.getAsLong() > 0) {
                return false;
            }
        }
        return true;
    }

    /** Resumes the held partitions whose schema change may pass now. */
    private void releaseHeld() {
        if (held.isEmpty()) {
            return;
        }
        List<TopicPartition> ready = new ArrayList<>();
        for (Map.Entry<TopicPartition, Held> h : held.entrySet()) {
            if (othersPassed(h.getKey(), h.getValue().schemaSortKey())) {
                ready.add(h.getKey());
            }
        }
        ready.forEach(held::remove);
        consumer.resume(ready);
    }

    /** True when the source owns partitions and has read each to its end (as of the last fetch). */
    private boolean caughtUp() {
        if (owned.isEmpty()) {
            return false;
        }
        for (TopicPartition tp : owned) {
            OptionalLong lag = consumer.currentLag(tp);
            if (lag.isEmpty() || lag.getAsLong() > 0) {
                return false;
            }
        }
        return true;
    }

    /** While the pipeline is full: commit checkpoints, and keep the group membership alive. */
    private void whileWaiting() {
        commitCheckpoint();
        if (System.nanoTime() - lastPoll > Duration.ofMinutes(2).toNanos()) {
            Set<TopicPartition> paused = new HashSet<>(consumer.assignment());
            consumer.pause(paused);
            consumer.poll(Duration.ZERO); // nothing is returned: every partition is paused
            consumer.resume(consumer.assignment());
            lastPoll = System.nanoTime();
        }
    }

    @Override
    public void commit(Position checkpoint) {
        toCommit.set(checkpoint);
    }

    /** Commits the last checkpoint's offsets of the owned partitions to the group. Source thread. */
    private void commitCheckpoint() {
        Position checkpoint = toCommit.getAndSet(null);
        if (checkpoint == null) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        checkpoint.offsets().forEach((name, offset) -> {
            TopicPartition tp = partition(name);
            if (owned.contains(tp)) {
                offsets.put(tp, new OffsetAndMetadata(Long.parseLong(offset)));
            }
        });
        if (offsets.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(offsets, Duration.ofSeconds(30));
        } catch (KafkaException e) {
            // the checkpoint is saved; the group's offsets stay behind it until the next commit: at worst
            // events are read again, never skipped
            LOG.warn("kafka source: could not commit offsets {} to group '{}'; will commit at the next checkpoint: {}",
                    offsets, config.groupId(), e.toString());
            toCommit.compareAndSet(null, checkpoint);
        }
    }

    static String name(TopicPartition tp) {
        return tp.topic() + "/" + tp.partition();
    }

    static TopicPartition partition(String name) {
        int slash = name.lastIndexOf('/');
        return new TopicPartition(name.substring(0, slash), Integer.parseInt(name.substring(slash + 1)));
    }

    private final class Rebalances implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            commitCheckpoint();
            drop(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            drop(partitions);
        }

        private void drop(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            owned.removeAll(partitions);
            partitions.forEach(tp -> {
                last.remove(tp);
                held.remove(tp);
            });
            Map<String, String> offsets = new HashMap<>(position.offsets());
            partitions.forEach(tp -> offsets.remove(name(tp)));
            position = Position.of(offsets, position.sortKey());
            LOG.info("kafka source: group '{}' gave up partitions {}", config.groupId(), partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions));
            for (TopicPartition tp : partitions) {
                Long checkpoint = resume.get(name(tp));
                OffsetAndMetadata group = committed.get(tp);
                Long start = group == null ? checkpoint : checkpoint == null ? (Long) group.offset()
                        : (Long) Math.max(checkpoint, group.offset());
                if (start != null) {
                    consumer.seek(tp, start);
                    position = position.withOffset(name(tp), Long.toString(start), position.sortKey());
                }
                owned.add(tp);
            }
            LOG.info("kafka source: group '{}' reads partitions {}", config.groupId(), partitions);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (consumer != null) {
                commitCheckpoint();
                // a static member leaves too: the other members take its partitions now, not after the session
                // timeout; a killed one, started again with its id, takes them back without that wait
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(5))
                        .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
            }
        } finally {
            if (parser != null) {
                parser.close();
            }
            if (schemaTopic != null) {
                schemaTopic.close();
            }
        }
    }
}
