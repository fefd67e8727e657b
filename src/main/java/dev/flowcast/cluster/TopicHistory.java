package dev.flowcast.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.core.LifecycleService;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import com.hazelcast.replicatedmap.ReplicatedMap;
import dev.flowcast.event.Clock;
import dev.flowcast.event.Event;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Per-topic sequence numbers, epochs and bounded history, cluster-wide: one {@link TopicLog} per published topic,
 * kept in one of {@value #SHARDS} {@link TopicLogShard} entries of the Hazelcast map
 * {@value HazelcastConfigs#TOPICS_MAP} (one synchronous backup), changed only by {@link TopicLogOps} entry
 * processors.
 *
 * <p><b>Numbering.</b> An append is one entry-processor call per shard, carrying the batches of all its topics: the
 * owner numbers each topic's events (gapless, exact), keeps them for {@code since} recovery
 * ({@code flowcast.history.size}, {@code .ttl-seconds}) and the backup applies the same call before the answer
 * comes back. Appends carry a batch id, so the call Hazelcast
 * retries when a member leaves never stores a batch twice.
 *
 * <p><b>Epochs.</b> A topic's first history gets {@code epoch = hash(cluster epoch, topic)}, so a client that
 * subscribed before the first publish already holds the epoch the history will have. The cluster epoch is made once
 * per cluster (kept on every member; in {@code persistent} mode in the store, so it survives a full restart). A
 * topic whose log is gone although it was published before (its partition was lost: the topic is still in the
 * fully replicated {@value HazelcastConfigs#SEEN_MAP}) gets a fresh random epoch with its new history, which starts
 * again at seq 1, so resuming clients see a {@code gap}, never a skip. In {@code persistent} mode a missing log is
 * read back from the store instead, with its epoch.
 *
 * <p><b>Topic churn.</b> Reading the position or history of a topic that was never published creates nothing:
 * no entry, no distributed object, no remote write (one read-only entry-processor call, plus one store query in
 * {@code persistent} mode).
 *
 * <p>Threading: thread-safe; every method blocks for at most a few Hazelcast round trips (and store round trips in
 * {@code persistent} mode). {@link #append} must be called by one thread at a time per topic for the returned
 * batches to be in seq order on this member (the sequencer's lanes give that).
 */
public final class TopicHistory implements HistoryReader {

    private static final Logger LOG = Logger.getLogger(TopicHistory.class.getName());
    private static final long CALL_TIMEOUT_SECONDS = 30;
    private static final String CLUSTER_EPOCH_KEY = "epoch";
    /** Shards per bus partition: how many Hazelcast operations a sequencer call costs at most (see TopicLogShard). */
    public static final int SHARDS_PER_BUS_PARTITION = 4;
    /** Shards in all; a multiple of the bus partitions, so {@code shard mod PARTITIONS} is the bus partition. */
    static final int SHARDS = EventBus.PARTITIONS * SHARDS_PER_BUS_PARTITION;

    private final IMap<String, TopicLogShard> logs;
    private final IMap<String, String> clusterMap;
    private final ReplicatedMap<String, Boolean> seen;
    private final int capacity;
    private final long ttlMicros;
    private final EventStore store;
    private final LifecycleService lifecycle;
    private volatile String clusterEpoch;
    /**
     * Set when a client node loses its cluster: the cluster it reconnects to may be a new one (a whole external
     * cluster restarted), whose histories are gone, so the cluster epoch is read again before it is next used.
     */
    private volatile boolean clusterEpochToConfirm;
    /**
     * Batch ids, unique in the cluster and across restarts without a random number per append (SecureRandom was
     * 3 % of the ingest workers' CPU): a random prefix per instance, then a count.
     */
    private final String batchIdPrefix = UUID.randomUUID() + "/";
    private final AtomicLong batchCount = new AtomicLong();

    /**
     * @param store the {@code persistent} store, or null in {@code memory} and {@code replicated} mode
     */
    public TopicHistory(HazelcastInstance hazelcast, int capacity, int ttlSeconds, EventStore store) {
        this.logs = hazelcast.getMap(HazelcastConfigs.TOPICS_MAP);
        this.clusterMap = hazelcast.getMap(HazelcastConfigs.CLUSTER_MAP);
        this.seen = hazelcast.getReplicatedMap(HazelcastConfigs.SEEN_MAP);
        this.lifecycle = hazelcast.getLifecycleService();
        this.capacity = capacity;
        this.ttlMicros = TimeUnit.SECONDS.toMicros(ttlSeconds);
        this.store = store;
    }

    /**
     * Reads (or makes, once per cluster) the cluster epoch. Call once before anything else.
     *
     * <p>A client node outlives its external cluster: when every member restarts, the topics' histories are gone
     * and the cluster map with them. Topics first numbered in a cluster take their epoch from the cluster epoch
     * ({@link #firstEpoch}), so a node still holding the old one would give a topic numbered again from 1 its old
     * epoch, and a client resuming with the old {@code since}/{@code epoch} would be told nothing was lost. So once
     * a client node is cut off (Hazelcast fires {@code CLIENT_DISCONNECTED} before it reconnects), the epoch is read
     * again, or made, before its next use: the same cluster answers the same epoch; a new one a new epoch (in
     * {@code persistent} mode the store's, as the histories come back from the store).
     */
    public TopicHistory start() {
        clusterEpoch = readOrMakeClusterEpoch();
        LOG.info(() -> "cluster epoch " + clusterEpoch);
        lifecycle.addLifecycleListener(event -> {
            if (event.getState() == LifecycleEvent.LifecycleState.CLIENT_DISCONNECTED) {
                clusterEpochToConfirm = true;
            }
        });
        return this;
    }

    private String readOrMakeClusterEpoch() {
        String proposed = randomEpoch();
        if (store != null) {
            proposed = store.clusterEpoch(proposed);
        }
        String raced = clusterMap.putIfAbsent(CLUSTER_EPOCH_KEY, proposed);
        return raced != null ? raced : proposed;
    }

    /** Reads the cluster epoch again after a disconnection; throws (as any cluster call) while still cut off. */
    private synchronized void confirmClusterEpoch() {
        if (!clusterEpochToConfirm) {
            return;
        }
        String before = clusterEpoch;
        String now = readOrMakeClusterEpoch();
        clusterEpoch = now;
        clusterEpochToConfirm = false;
        if (!now.equals(before)) {
            LOG.warning(() -> "cluster epoch " + before + " -> " + now + ": the cluster this node reconnected to is a"
                    + " new one (restarted whole); topics whose history it lost start again under new epochs");
        }
    }

    /** The cluster epoch, fixed for the life of the cluster (of the store, in {@code persistent} mode). */
    public String clusterEpoch() {
        return requireStarted();
    }

    /** The epoch of a topic's first history in a cluster with epoch {@code clusterEpoch}. */
    public static String firstEpoch(String clusterEpoch, String topic) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(clusterEpoch.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            byte[] digest = sha.digest(topic.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** One topic's events, numbered: the outcome of an {@link #append}. */
    public record Appended(String topic, String epoch, List<Event> events) {
    }

    /**
     * Numbers and stores several topics' batches: one entry-processor call per shard touched (at most
     * {@value #SHARDS_PER_BUS_PARTITION} for topics of one bus partition), all in flight at once.
     *
     * <p>The calls carry no epochs: a topic whose log exists (every append but a topic's first, or the first after
     * its partition was lost) needs none, and choosing one costs a replicated-map look-up and a digest or a random
     * number (18 % of the ingest workers' CPU when it was done for every topic of every append,
     * docs/profiles/replicated-sequencer-epochs.txt). Topics the shards answer without a log get their epoch now
     * (or are read back from the store) and are appended by a second call per shard, with the same batch id.
     *
     * @param batches unnumbered events per topic, each list in accept order
     * @return per topic, in the given order, the numbered batch or the failure that stopped it
     */
    public Map<String, Outcome> append(Map<String, List<Event>> batches) {
        return append(batches, newBatchId(), false);
    }

    /** An id for {@link #append(Map, String, boolean)}: unique to this node and call. */
    public String newBatchId() {
        return batchIdPrefix + Long.toString(batchCount.incrementAndGet(), Character.MAX_RADIX);
    }

    /**
     * As {@link #append(Map)}, under a given batch id.
     *
     * @param resent the same batches were appended under this id before and the answer was lost (the node was cut
     *               off): a log that holds them answers their seqs instead of numbering them again, even past the
     *               batch ids it remembers ({@link TopicLog#append})
     */
    public Map<String, Outcome> append(Map<String, List<Event>> batches, String batchId, boolean resent) {
        Map<String, Map<String, TopicLogOps.TopicBatch>> byShard = new LinkedHashMap<>();
        batches.forEach((topic, events) -> byShard.computeIfAbsent(shardOf(topic), shard -> new LinkedHashMap<>())
                .put(topic, unnumbered(events)));
        Map<String, TopicLogOps.Append> ops = new HashMap<>();
        Map<String, CompletableFuture<LogAnswers>> calls = new HashMap<>();
        byShard.forEach((shard, topics) -> {
            TopicLogOps.Append op = new TopicLogOps.Append(batchId, topics, capacity, ttlMicros, resent);
            ops.put(shard, op);
            calls.put(shard, submit(shard, op));
        });
        Map<String, LogAnswer> answers = new HashMap<>();
        Map<String, RuntimeException> failures = new HashMap<>();
        collect(byShard, calls, answers, failures);

        Map<String, Map<String, String>> newLogs = new LinkedHashMap<>(); // shard -> topic -> epoch of its new log
        answers.forEach((topic, answer) -> {
            if (!answer.exists()) {
                try {
                    newLogs.computeIfAbsent(shardOf(topic), shard -> new LinkedHashMap<>()).put(topic, epochOfNewLog(topic));
                } catch (RuntimeException e) {
                    failures.put(topic, e);
                }
            }
        });
        if (!newLogs.isEmpty()) {
            Map<String, CompletableFuture<LogAnswers>> creating = new HashMap<>();
            newLogs.forEach((shard, epochs) -> creating.put(shard, submit(shard, ops.get(shard).creating(epochs))));
            collect(newLogs, creating, answers, failures);
        }

        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        batches.forEach((topic, events) -> {
            RuntimeException failure = failures.get(topic);
            LogAnswer answer = answers.get(topic);
            if (failure != null) {
                outcomes.put(topic, Outcome.failed(failure));
                return;
            }
            if (answer.created() && store == null) {
                seen.put(topic, Boolean.TRUE);
            }
            outcomes.put(topic, Outcome.ok(numbered(topic, answer, events)));
        });
        return outcomes;
    }

    /**
     * Waits for each shard's call and files its answer, or its failure, under each of its topics.
     *
     * @param byShard per shard, a map keyed by the topics its call carries
     */
    private static void collect(Map<String, ? extends Map<String, ?>> byShard,
            Map<String, CompletableFuture<LogAnswers>> calls, Map<String, LogAnswer> answers,
            Map<String, RuntimeException> failures) {
        byShard.forEach((shard, topics) -> {
            try {
                LogAnswers shardAnswers = await(calls.get(shard));
                topics.keySet().forEach(topic -> answers.put(topic, shardAnswers.of(topic)));
            } catch (RuntimeException e) {
                topics.keySet().forEach(topic -> failures.put(topic, e));
            }
        });
    }

    /**
     * The epoch a topic's log gets when an append finds none: {@code persistent} reads the log back from the store
     * first (then this epoch only serves a topic the store never saw); a topic published before whose log is gone
     * (its partition was lost) gets a fresh random one, so resuming clients see a gap; a new topic its first epoch.
     */
    private String epochOfNewLog(String topic) {
        if (store != null) {
            loadFromStore(topic);
            return firstEpoch(requireStarted(), topic);
        }
        return seen.containsKey(topic) ? randomEpoch() : firstEpoch(requireStarted(), topic);
    }

    /**
     * The key of the shard that holds a topic's log (an entry of {@link HazelcastConfigs#TOPICS_MAP}); every topic of
     * a shard is in one bus partition. Public for tests that kill the member owning a topic.
     */
    public static String shardOf(String topic) {
        return "shard-" + Math.floorMod(topic.hashCode(), SHARDS);
    }

    /** A topic's append: its numbered batch, or why it failed. */
    public record Outcome(Appended appended, RuntimeException failure) {
        static Outcome ok(Appended appended) {
            return new Outcome(appended, null);
        }

        static Outcome failed(RuntimeException failure) {
            return new Outcome(null, failure);
        }

        public boolean ok() {
            return failure == null;
        }
    }

    @Override
    public TopicPosition position(String topic) {
        LogAnswer answer = await(submit(shardOf(topic), new TopicLogOps.Read(topic, 1, 0, 0)));
        if (!answer.exists()) {
            answer = whenAbsent(topic);
        }
        return answer == null ? new TopicPosition(0, firstEpoch(requireStarted(), topic))
                : new TopicPosition(answer.newestSeq(), answer.epoch());
    }

    /**
     * The retained events of {@code topic} with seq in [{@code fromSeq}, {@code toSeq}], oldest first. Events no
     * longer retained (evicted or expired) are simply absent: compare the first returned seq with {@code fromSeq}
     * to find the range lost.
     */
    @Override
    public List<Event> read(String topic, long fromSeq, long toSeq) {
        if (toSeq < fromSeq) {
            return List.of();
        }
        LogAnswer answer = await(submit(shardOf(topic), readOp(topic, fromSeq, toSeq)));
        if (!answer.exists()) {
            if (whenAbsent(topic) == null) {
                return List.of();
            }
            answer = await(submit(shardOf(topic), readOp(topic, fromSeq, toSeq)));
        }
        List<Event> events = new ArrayList<>(answer.entries().size());
        for (HistoryEntry entry : answer.entries()) {
            events.add(entry.toEvent(topic));
        }
        return events;
    }

    /**
     * A topic without a log: read back from the store ({@code persistent}); or, when it was published before,
     * its history was lost: install an empty one with a fresh epoch now, so every reader agrees on it. Null when
     * the topic was never published.
     */
    private LogAnswer whenAbsent(String topic) {
        if (store != null) {
            return loadFromStore(topic);
        }
        if (seen.containsKey(topic)) { // local read: the map is replicated to every member
            LOG.warning(() -> "topic " + topic + " lost its history (its partition was lost); new epoch");
            return await(submit(shardOf(topic), new TopicLogOps.Install(topic, randomEpoch(), 0, List.of())));
        }
        return null;
    }

    private LogAnswer loadFromStore(String topic) {
        Optional<EventStore.StoredTopic> stored = store.load(topic, capacity);
        if (stored.isEmpty()) {
            return null;
        }
        EventStore.StoredTopic found = stored.get();
        return await(submit(shardOf(topic),
                new TopicLogOps.Install(topic, found.epoch(), found.newestSeq(), found.entries())));
    }

    /** A topic's part of the first call of an append: no epoch, so a missing log is never created by it. */
    private static TopicLogOps.TopicBatch unnumbered(List<Event> events) {
        List<HistoryEntry> entries = new ArrayList<>(events.size());
        for (Event event : events) {
            entries.add(HistoryEntry.unnumbered(event));
        }
        return new TopicLogOps.TopicBatch(entries, null);
    }

    private TopicLogOps.Read readOp(String topic, long fromSeq, long toSeq) {
        return new TopicLogOps.Read(topic, Math.max(1, fromSeq), toSeq, Clock.nowMicros() - ttlMicros);
    }

    private static Appended numbered(String topic, LogAnswer answer, List<Event> events) {
        List<Event> numbered = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            numbered.add(events.get(i).withSeq(answer.firstSeq() + i));
        }
        return new Appended(topic, answer.epoch(), numbered);
    }

    private <R> CompletableFuture<R> submit(String shard, EntryProcessor<String, TopicLogShard, R> op) {
        return logs.submitToKey(shard, op).toCompletableFuture();
    }

    private String requireStarted() {
        if (clusterEpochToConfirm) {
            confirmClusterEpoch();
        }
        String epoch = clusterEpoch;
        if (epoch == null) {
            throw new IllegalStateException("TopicHistory.start() was not called");
        }
        return epoch;
    }

    static String randomEpoch() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Hazelcast", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Hazelcast did not answer within " + CALL_TIMEOUT_SECONDS + " s", e);
        }
    }
}
