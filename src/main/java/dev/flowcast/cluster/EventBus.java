package dev.flowcast.cluster;

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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntConsumer;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Carries sequenced batches to every member over Hazelcast reliable topics.
 *
 * <p>There are {@link #PARTITIONS} reliable topics; a Flowcast topic always uses the same one (by hash), so
 * its batches stay in order and one hot topic does not serialize the others.
 *
 * <p>Listeners never die silently (DESIGN.md): they are loss-tolerant, and when a listener falls so far
 * behind that the ring buffer overwrote messages it had not read, the jump in sequence is seen in
 * {@code storeSequence} and reported to the loss handler with the partition, so the fan-out can re-read the
 * affected topics from their history.
 *
 * <p>Threading: {@link #publish} is thread-safe (one call per batch, from the sequencer's per-topic lane).
 * The sink and the loss handler are called on Hazelcast's event threads, one thread per partition at a time.
 */
public final class EventBus {

    /** Reliable topics the bus spreads Flowcast topics over. */
    public static final int PARTITIONS = 8;

    private static final Logger LOG = Logger.getLogger(EventBus.class.getName());

    private final List<ITopic<EventBatch>> partitions = new ArrayList<>(PARTITIONS);
    private final List<UUID> registrations = new ArrayList<>();
    /** Markers this member published and waits for, by marker topic. */
    private final Map<String, CompletableFuture<Void>> markers = new ConcurrentHashMap<>();

    public EventBus(HazelcastInstance hazelcast) {
        for (int p = 0; p < PARTITIONS; p++) {
            partitions.add(hazelcast.getReliableTopic(HazelcastConfigs.BUS_PREFIX + p));
        }
    }

    /** The bus partition of a Flowcast topic. */
    public static int partitionOf(String topic) {
        return Math.floorMod(topic.hashCode(), PARTITIONS);
    }

    /** Sends a batch to every member, this one included. Blocks for one Hazelcast round trip. */
    public void publish(EventBatch batch) {
        partitions.get(partitionOf(batch.topic())).publish(batch);
    }

    /**
     * Waits until every batch this member published before the call has reached this member's listeners (and
     * so the sink). Publishes a marker on every partition; a partition's ring buffer has one order, so seeing
     * the marker means everything before it was seen. Used at shutdown between draining ingest and fan-out.
     *
     * @return true when every marker came back within {@code timeout}
     */
    public boolean flush(Duration timeout) {
        List<CompletableFuture<Void>> seen = new ArrayList<>(PARTITIONS);
        for (int p = 0; p < PARTITIONS; p++) {
            String id = UUID.randomUUID().toString();
            CompletableFuture<Void> back = new CompletableFuture<>();
            markers.put(EventBatch.marker(id).topic(), back);
            seen.add(back);
            partitions.get(p).publish(EventBatch.marker(id));
        }
        try {
            CompletableFuture.allOf(seen.toArray(new CompletableFuture[0])).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    /**
     * Starts delivering every batch published from now on to {@code sink}; {@code onLoss} is told the
     * partition whenever messages of it were lost to this member.
     */
    public synchronized void listen(Consumer<EventBatch> sink, IntConsumer onLoss) {
        for (int p = 0; p < PARTITIONS; p++) {
            registrations.add(partitions.get(p).addMessageListener(new Listener(p, sink, onLoss, markers)));
        }
    }

    /** Stops the listeners. */
    public synchronized void close() {
        for (int p = 0; p < registrations.size(); p++) {
            try {
                partitions.get(p).removeMessageListener(registrations.get(p));
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "listener already gone", e);
            }
        }
        registrations.clear();
    }

    /** One partition's listener; called by one Hazelcast thread at a time. */
    private static final class Listener implements ReliableMessageListener<EventBatch> {

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
        public void onMessage(Message<EventBatch> message) {
            EventBatch batch = message.getMessageObject();
            if (batch.isMarker()) {
                CompletableFuture<Void> waiting = markers.remove(batch.topic());
                if (waiting != null) {
                    waiting.complete(null); // another member's markers are not ours to wait for
                }
                return;
            }
            sink.accept(batch);
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
                        + " batch(es) overwritten before this member read them; re-reading from history");
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
