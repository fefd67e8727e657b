package dev.flowcast.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.topic.ITopic;
import com.hazelcast.topic.Message;
import com.hazelcast.topic.ReliableMessageListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Carries numbered batches to every member over Hazelcast reliable topics.
 *
 * <p>There are {@link #PARTITIONS} reliable topics; a Flowcast topic always uses the same one (by hash), so its
 * batches stay in order and one hot topic does not serialize the others. One message carries every topic's batch
 * of one sequencer call in that partition ({@link BusMessage}); the listener hands the sink one {@link EventBatch}
 * per topic, in the message's order.
 *
 * <p>Listeners never die silently (DESIGN.md): they are loss-tolerant, and when a listener falls so far behind that
 * the ring buffer overwrote messages it had not read, the jump in sequence is seen in {@code storeSequence} and
 * reported to the loss handler with the partition, so the fan-out can re-read the affected topics from their
 * history. A membership change (a member joined, left or died; a client reconnected) is reported the same way for
 * every partition: a member that died may have numbered batches it never put on the bus, and only a re-read from
 * history brings them to the subscribers of a topic that is quiet afterwards.
 *
 * <p>After a member left or a client node reconnected, every partition is listened to afresh ({@link #listenAfresh}):
 * a ring that started again empty would otherwise skip or hold back its first messages.
 *
 * <p><b>Ring names carry the cluster's id</b> ({@link #topicName}: {@code flowcast.bus.<cluster id>.<partition>}).
 * A ring keeps the configuration it was created with, and on a client node's external cluster that restarted whole,
 * reads left over from the old cluster (the client re-sends a read in flight when its connection drops, and retries
 * it for its call bound) created the rings under their old names before the node could add their configuration:
 * they came up with Hazelcast's defaults, 10 000 messages and no time-to-live instead of {@value
 * HazelcastConfigs#BUS_CAPACITY} and {@value HazelcastConfigs#BUS_TTL_SECONDS} s (measured: 2 to 8 of the 8
 * rings). A new cluster has a new id, so its rings have names nothing used before, and a client node uses them only
 * once {@link ClusterClient} has added their configuration there. Every node of one cluster sees the same id.
 *
 * <p>Threading: {@link #publish} is thread-safe (one call per sequencer batch). The sink and the loss handler are
 * called on Hazelcast's event threads, one thread per partition at a time, except for a moment after listening afresh,
 * when a partition's old and new listeners may both deliver (the fan-out drops what it already delivered); the
 * membership-change calls of the loss handler come from Hazelcast's event threads or the bus's own re-listening
 * thread, possibly beside a partition's own calls.
 */
public final class EventBus {

    /** Reliable topics the bus spreads Flowcast topics over. */
    public static final int PARTITIONS = 8;

    /** Rounds of markers at most to get the rings flowing after listening afresh ({@link #listenAfresh}). */
    static final int MAX_NUDGE_ROUNDS = 10;
    static final Duration NUDGE_WAIT = Duration.ofMillis(500);

    private static final Logger LOG = Logger.getLogger(EventBus.class.getName());

    private final HazelcastInstance hazelcast;
    /** The cluster whose rings to use: fixed for a member, the one its structures were added to for a client. */
    private final Supplier<UUID> clusterId;
    /** Set in client mode: tells of each new connection. */
    private final ClusterClient client;
    private final Runnable onClientReady = () -> listenAfresh("client reconnected");
    /** The rings of {@link #clusterId}'s cluster; replaced (under {@link #ringsLock}) when it changes. */
    private volatile Rings rings;
    private final Object ringsLock = new Object();
    /** Each partition's listener, with the topic it listens to (guarded by this). */
    private final List<Registration> registrations = new ArrayList<>();
    private UUID membershipRegistration;
    private volatile IntConsumer lossHandler;
    private Consumer<EventBatch> sink;
    private final AtomicInteger pendingRelistens = new AtomicInteger();
    private volatile UUID relistenedOn;
    /** Runs {@link #listenAfresh}; from {@link #listen} to {@link #close}. */
    private volatile ExecutorService relistening;
    /** Markers this member published and waits for, by marker id. */
    private final Map<String, CompletableFuture<Void>> markers = new ConcurrentHashMap<>();

    /** The bus of a member's cluster. */
    public EventBus(HazelcastInstance member) {
        this(member, fixed(ClusterIds.of(member)), null);
    }

    /** The bus of a client node: on the rings of the cluster it is connected to, listened to afresh on each connection. */
    public EventBus(ClusterClient client) {
        this(client.instance(), client::clusterId, client);
    }

    private EventBus(HazelcastInstance hazelcast, Supplier<UUID> clusterId, ClusterClient client) {
        this.hazelcast = hazelcast;
        this.clusterId = clusterId;
        this.client = client;
        UUID cluster = clusterId.get();
        this.rings = new Rings(cluster, topicsOf(hazelcast, cluster));
    }

    private static Supplier<UUID> fixed(UUID cluster) {
        return () -> cluster;
    }

    /** The reliable topic of a bus partition in a cluster; its ring buffer is {@code _hz_rb_} and this name. */
    public static String topicName(UUID cluster, int partition) {
        return HazelcastConfigs.BUS_PREFIX + cluster + "." + partition;
    }

    private static List<ITopic<BusMessage>> topicsOf(HazelcastInstance hazelcast, UUID cluster) {
        List<ITopic<BusMessage>> topics = new ArrayList<>(PARTITIONS);
        for (int p = 0; p < PARTITIONS; p++) {
            topics.add(hazelcast.getReliableTopic(topicName(cluster, p)));
        }
        return List.copyOf(topics);
    }

    /** The rings of the cluster now connected to, made once per cluster (proxies: a cluster call for a client). */
    private Rings rings() {
        Rings current = rings;
        UUID cluster = clusterId.get();
        if (cluster == null || cluster.equals(current.cluster())) {
            return current;
        }
        synchronized (ringsLock) {
            if (!cluster.equals(rings.cluster())) {
                rings = new Rings(cluster, topicsOf(hazelcast, cluster));
                LOG.info(() -> "the bus now runs on the rings of cluster " + cluster);
            }
            return rings;
        }
    }

    /** The cluster whose rings the bus publishes on now (tests). */
    UUID cluster() {
        return rings().cluster();
    }

    /** The bus partition of a Flowcast topic. */
    public static int partitionOf(String topic) {
        return Math.floorMod(topic.hashCode(), PARTITIONS);
    }

    /**
     * Sends batches of topics of one bus partition to every member, in one message. Blocks for one Hazelcast round
     * trip.
     *
     * @param batches at most one per topic, all of topics in the same partition ({@link #partitionOf})
     */
    public void publish(List<EventBatch> batches) {
        if (!batches.isEmpty()) {
            rings().topics().get(partitionOfAll(batches)).publish(BusMessage.of(batches));
        }
    }

    private static int partitionOfAll(List<EventBatch> batches) {
        int partition = partitionOf(batches.get(0).topic());
        for (EventBatch batch : batches) {
            if (partitionOf(batch.topic()) != partition) {
                throw new IllegalArgumentException("batches of bus partitions " + partition + " and "
                        + partitionOf(batch.topic()) + " in one message");
            }
        }
        return partition;
    }

    /**
     * Waits until every batch this member published before the call has reached this member's listeners (and so
     * the sink). Publishes a marker on every partition; a partition's ring buffer has one order, so seeing the
     * marker means everything before it was seen. Used at shutdown between draining ingest and fan-out.
     *
     * @return true when every marker came back within {@code timeout}; false also when the cluster cannot be
     *         reached (a client whose cluster is gone), never an exception: this runs on the shutdown path
     */
    public boolean flush(Duration timeout) {
        try {
            return markersComeBack(rings().topics(), timeout);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.log(Level.WARNING, "bus flush incomplete: " + e);
            return false;
        }
    }

    /** Publishes a marker on every partition and waits until each came back to this member's listeners. */
    private boolean markersComeBack(List<ITopic<BusMessage>> topics, Duration timeout)
            throws ExecutionException, TimeoutException {
        List<String> ids = new ArrayList<>(PARTITIONS);
        List<CompletableFuture<Void>> seen = new ArrayList<>(PARTITIONS);
        try {
            for (int p = 0; p < PARTITIONS; p++) {
                String id = UUID.randomUUID().toString();
                CompletableFuture<Void> back = new CompletableFuture<>();
                markers.put(id, back);
                ids.add(id);
                seen.add(back);
                // async with the same bound: a blocking publish would wait out the invocation timeout per partition
                topics.get(p).publishAsync(BusMessage.marker(id));
            }
            CompletableFuture.allOf(seen.toArray(new CompletableFuture[0])).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            ids.forEach(markers::remove);
        }
    }

    /**
     * Starts delivering every batch published from now on to {@code sink}; {@code onLoss} is told the partition
     * whenever messages of it were lost to this member, and every partition after a membership change.
     */
    public synchronized void listen(Consumer<EventBatch> sink, IntConsumer onLoss) {
        this.sink = sink;
        lossHandler = onLoss;
        relistening = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "flowcast-bus-relisten");
            thread.setDaemon(true);
            return thread;
        });
        if (client != null) {
            // a client that was cut off may have missed bus messages, its cluster may have lost members, or it may
            // be a new cluster (restarted whole), with rings of its own; registered before the listeners are added,
            // so a connection made meanwhile is not missed
            client.onReady(onClientReady);
        }
        List<ITopic<BusMessage>> topics = rings().topics();
        for (int p = 0; p < PARTITIONS; p++) {
            ITopic<BusMessage> topic = topics.get(p);
            registrations.add(new Registration(topic, topic.addMessageListener(new Listener(p, sink, onLoss, markers))));
        }
        membershipRegistration = hazelcast.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                everyPartitionLost(onLoss, "member " + event.getMember().getAddress() + " joined");
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                // the member may have held a bus ring with no backup left: it starts again empty elsewhere. A client
                // is told of the members it lost as it connects again, before it is ready (before a new cluster has
                // the rings' configuration): then the ready callback listens afresh, on the right rings.
                if (client == null || client.isConnected()) {
                    listenAfresh("member " + event.getMember().getAddress() + " left");
                }
            }
        });
    }

    /**
     * Replaces every partition's listener with a new one that reads from the ring's current tail (on the rings of
     * the cluster now connected to: a new cluster's), gets the rings flowing again, then reports every partition
     * lost, so what was published before the new listeners started is re-read from history. Runs on a thread of its
     * own, not on the thread that tells of the change (these are cluster calls).
     *
     * <p>Why (EventBusRingRestartTest): a listener keeps reading from its own next sequence. When its ring starts
     * again empty (a whole external cluster restarted, or a ring lost with its backup), Hazelcast parks that read on
     * the new ring and, when a message comes, moves it to the ring's tail + 1, past that message: the old listener
     * skips it. Worse, the member wakes a ring's parked reads in order and stops at the first that must still wait,
     * so that stale read (a cancelled listener's too: the client re-sends a read in flight when the connection
     * drops) holds back every read behind it, new listeners' included, until the next message. So after the new
     * listeners are in place, markers are sent round until one comes back on every partition (each stale read
     * takes one more message), at most {@value #MAX_NUDGE_ROUNDS} rounds of {@link #NUDGE_WAIT}.
     */
    private void listenAfresh(String why) {
        ExecutorService executor = relistening;
        if (executor == null) {
            return;
        }
        pendingRelistens.incrementAndGet();
        try {
            executor.execute(() -> {
                try {
                    relistenEveryPartition(why);
                } finally {
                    pendingRelistens.decrementAndGet();
                }
            });
        } catch (RejectedExecutionException closed) {
            pendingRelistens.decrementAndGet(); // the bus is closing
        }
    }

    /** {@link #listenAfresh}'s work, on its thread: every partition, then the markers, on one cluster's rings. */
    private void relistenEveryPartition(String why) {
        Rings target = rings();
        IntConsumer onLoss = lossHandler;
        for (int p = 0; p < PARTITIONS && onLoss != null; p++) {
            relisten(p, target.topics().get(p), onLoss);
            onLoss = lossHandler; // null once closed
        }
        int rounds = 0;
        boolean flowing = false;
        while (!flowing && onLoss != null && rounds++ < MAX_NUDGE_ROUNDS) {
            try {
                flowing = markersComeBack(target.topics(), NUDGE_WAIT);
            } catch (ExecutionException | TimeoutException | RuntimeException notYet) {
                onLoss = lossHandler;
            }
        }
        if (!flowing) {
            LOG.warning(() -> "the bus did not deliver its own markers after " + MAX_NUDGE_ROUNDS
                    + " rounds; it catches up from history on each topic's next batch");
        }
        if (onLoss != null) {
            everyPartitionLost(onLoss, why);
        }
        relistenedOn = target.cluster();
    }

    /** Listenings afresh asked for and not finished yet (tests wait for none). */
    int pendingRelistens() {
        return pendingRelistens.get();
    }

    /** The cluster whose rings the last finished listening afresh listened to; null before one (tests). */
    UUID relistenedOn() {
        return relistenedOn;
    }

    /**
     * Adds a new listener to the partition, then removes the old one (a message both read reaches the sink twice; the
     * fan-out's cursor drops the second). The lock is held only to swap them, never across a cluster call, so a
     * {@link #close} never waits for one.
     */
    private void relisten(int p, ITopic<BusMessage> topic, IntConsumer onLoss) {
        UUID fresh;
        try {
            fresh = topic.addMessageListener(new Listener(p, sink, onLoss, markers));
        } catch (RuntimeException e) {
            // the old listener keeps its place: it misses at most what the re-read after this brings back
            LOG.log(Level.WARNING, "could not listen afresh to bus partition " + p, e);
            return;
        }
        Registration added = new Registration(topic, fresh);
        Registration old;
        synchronized (this) {
            old = lossHandler == null ? added : registrations.set(p, added); // closed meanwhile: drop the new one
        }
        try {
            old.topic().removeMessageListener(old.id());
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "listener already gone", e);
        }
    }

    /**
     * Tells the listener every partition may have lost messages, as after a membership change: for what a client
     * node learns of other nodes ({@link NodePresence}). Does nothing before {@link #listen}.
     */
    public void everyPartitionLost(String why) {
        IntConsumer onLoss = lossHandler;
        if (onLoss != null) {
            everyPartitionLost(onLoss, why);
        }
    }

    private static void everyPartitionLost(IntConsumer onLoss, String why) {
        LOG.info(() -> why + ": re-reading every subscribed topic's history");
        for (int p = 0; p < PARTITIONS; p++) {
            try {
                onLoss.accept(p);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "loss handler failed for bus partition " + p, e);
            }
        }
    }

    /** Stops the listeners; never throws (the shutdown path calls it, possibly with the cluster gone). */
    public synchronized void close() {
        ExecutorService executor = relistening;
        relistening = null;
        if (executor != null) {
            executor.shutdownNow();
        }
        lossHandler = null;
        if (client != null) {
            client.removeOnReady(onClientReady);
        }
        for (Registration registration : registrations) {
            try {
                registration.topic().removeMessageListener(registration.id());
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "listener already gone", e);
            }
        }
        registrations.clear();
        try {
            if (membershipRegistration != null) {
                hazelcast.getCluster().removeMembershipListener(membershipRegistration);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "membership listener already gone", e);
        }
        membershipRegistration = null;
    }

    /** The bus's reliable topics in one cluster, by partition. */
    private record Rings(UUID cluster, List<ITopic<BusMessage>> topics) {
    }

    /** A partition's listener and the topic it listens to (a new cluster's rings are other topics). */
    private record Registration(ITopic<BusMessage> topic, UUID id) {
    }

    /** One partition's listener; called by one Hazelcast thread at a time. */
    private static final class Listener implements ReliableMessageListener<BusMessage> {

        private final int partition;
        private final Consumer<EventBatch> sink;
        private final IntConsumer onLoss;
        private final Map<String, CompletableFuture<Void>> markers;
        private long expectedSequence = -1;

        Listener(int partition, Consumer<EventBatch> sink, IntConsumer onLoss, Map<String, CompletableFuture<Void>> markers) {
            this.partition = partition;
            this.sink = sink;
            this.onLoss = onLoss;
            this.markers = markers;
        }

        @Override
        public void onMessage(Message<BusMessage> message) {
            BusMessage received = message.getMessageObject();
            if (received.markerId() != null) {
                CompletableFuture<Void> waiting = markers.remove(received.markerId());
                if (waiting != null) {
                    waiting.complete(null); // another member's markers are not ours to wait for
                }
                return;
            }
            for (EventBatch batch : received.batches()) {
                sink.accept(batch);
            }
        }

        @Override
        public long retrieveInitialSequence() {
            return -1; // from the next message published
        }

        @Override
        public void storeSequence(long sequence) {
            // Called before each onMessage: a jump means the ring buffer overwrote what we had not read.
            if (expectedSequence >= 0 && sequence > expectedSequence) {
                LOG.warning(() -> "bus partition " + partition + ": " + (sequence - expectedSequence)
                        + " message(s) overwritten before this member read them; re-reading from history");
                onLoss.accept(partition);
            }
            expectedSequence = sequence + 1;
        }

        @Override
        public boolean isLossTolerant() {
            return true;
        }

        @Override
        public boolean isTerminal(Throwable failure) {
            LOG.log(Level.WARNING, "bus partition " + partition + " listener failed; it keeps listening", failure);
            return false;
        }
    }
}
