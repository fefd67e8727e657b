package dev.flowcast.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
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
 * <p>Threading: {@link #publish} is thread-safe (one call per sequencer batch). The sink and the loss handler are
 * called on Hazelcast's event threads, one thread per partition at a time; the membership-change calls of the loss
 * handler come from Hazelcast's event threads too, possibly beside a partition's own calls.
 */
public final class EventBus {

    /** Reliable topics the bus spreads Flowcast topics over. */
    public static final int PARTITIONS = 8;

    private static final Logger LOG = Logger.getLogger(EventBus.class.getName());

    private final HazelcastInstance hazelcast;
    private final List<ITopic<BusMessage>> partitions = new ArrayList<>(PARTITIONS);
    private final List<UUID> registrations = new ArrayList<>();
    private UUID membershipRegistration;
    private UUID lifecycleRegistration;
    private volatile IntConsumer lossHandler;
    /** Markers this member published and waits for, by marker id. */
    private final Map<String, CompletableFuture<Void>> markers = new ConcurrentHashMap<>();

    public EventBus(HazelcastInstance hazelcast) {
        this.hazelcast = hazelcast;
        for (int p = 0; p < PARTITIONS; p++) {
            partitions.add(hazelcast.getReliableTopic(HazelcastConfigs.BUS_PREFIX + p));
        }
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
            partitions.get(partitionOfAll(batches)).publish(BusMessage.of(batches));
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
        List<CompletableFuture<Void>> seen = new ArrayList<>(PARTITIONS);
        try {
            for (int p = 0; p < PARTITIONS; p++) {
                String id = UUID.randomUUID().toString();
                CompletableFuture<Void> back = new CompletableFuture<>();
                markers.put(id, back);
                seen.add(back);
                // async with the same bound: a blocking publish would wait out the invocation timeout per partition
                partitions.get(p).publishAsync(BusMessage.marker(id));
            }
            CompletableFuture.allOf(seen.toArray(new CompletableFuture[0])).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.log(Level.WARNING, "bus flush incomplete: " + e);
            return false;
        } finally {
            markers.clear();
        }
    }

    /**
     * Starts delivering every batch published from now on to {@code sink}; {@code onLoss} is told the partition
     * whenever messages of it were lost to this member, and every partition after a membership change.
     */
    public synchronized void listen(Consumer<EventBatch> sink, IntConsumer onLoss) {
        lossHandler = onLoss;
        for (int p = 0; p < PARTITIONS; p++) {
            registrations.add(partitions.get(p).addMessageListener(new Listener(p, sink, onLoss, markers)));
        }
        membershipRegistration = hazelcast.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                everyPartitionLost(onLoss, "member " + event.getMember().getAddress() + " joined");
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                everyPartitionLost(onLoss, "member " + event.getMember().getAddress() + " left");
            }
        });
        lifecycleRegistration = hazelcast.getLifecycleService().addLifecycleListener(event -> {
            if (event.getState() == LifecycleEvent.LifecycleState.CLIENT_CONNECTED) {
                // a client that was cut off may have missed bus messages, and its cluster may have lost members
                everyPartitionLost(onLoss, "client reconnected");
            }
        });
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
        for (int p = 0; p < registrations.size(); p++) {
            try {
                partitions.get(p).removeMessageListener(registrations.get(p));
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "listener already gone", e);
            }
        }
        registrations.clear();
        try {
            if (membershipRegistration != null) {
                hazelcast.getCluster().removeMembershipListener(membershipRegistration);
            }
            if (lifecycleRegistration != null) {
                hazelcast.getLifecycleService().removeLifecycleListener(lifecycleRegistration);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "membership listener already gone", e);
        }
        membershipRegistration = null;
        lifecycleRegistration = null;
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
