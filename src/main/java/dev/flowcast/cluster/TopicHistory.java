package dev.flowcast.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.ringbuffer.OverflowPolicy;
import com.hazelcast.ringbuffer.ReadResultSet;
import com.hazelcast.ringbuffer.Ringbuffer;
import com.hazelcast.ringbuffer.StaleSequenceException;
import dev.flowcast.event.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Per-topic sequence numbers and bounded history, cluster-wide, on one Hazelcast ring buffer per topic.
 *
 * <p>A ring buffer's add returns the sequence it stored the item at, so appending a batch both numbers the
 * events (seq = ring sequence + 1, gapless and exact, FACTS.md) and keeps them for {@code since} recovery.
 * Capacity and TTL come from {@code flowcast.history.size} and {@code .ttl-seconds}; the ring buffer's owner
 * is the topic's partition owner, so every member agrees on the order.
 *
 * <p>Threading: thread-safe; every method blocks on at most one Hazelcast round trip per 1000 events.
 * {@link #append} must be called by one thread at a time per topic for the returned batches to be in seq
 * order on this member (the sequencer's per-topic lane gives that).
 */
public final class TopicHistory implements HistoryReader {

    /** Hazelcast's upper bound on one readMany call. */
    private static final int READ_CHUNK = 1000;
    private static final long CALL_TIMEOUT_SECONDS = 30;

    private final HazelcastInstance hazelcast;
    private final IMap<String, String> epochs;

    public TopicHistory(HazelcastInstance hazelcast) {
        this.hazelcast = hazelcast;
        this.epochs = hazelcast.getMap(HazelcastConfigs.EPOCHS_MAP);
    }

    /**
     * Appends a batch of one topic's events and returns them numbered, oldest first.
     *
     * @param events unsequenced events of {@code topic}, in accept order
     */
    public List<Event> append(String topic, List<Event> events) {
        List<HistoryEntry> entries = new ArrayList<>(events.size());
        for (Event event : events) {
            entries.add(new HistoryEntry(event));
        }
        long lastRingSeq = await(ring(topic).addAllAsync(entries, OverflowPolicy.OVERWRITE).toCompletableFuture());
        long firstSeq = lastRingSeq - events.size() + 2;
        List<Event> sequenced = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            sequenced.add(events.get(i).withSeq(firstSeq + i));
        }
        return sequenced;
    }

    @Override
    public TopicPosition position(String topic) {
        return new TopicPosition(newestSeq(topic), epoch(topic));
    }

    /** Seq of the newest event of {@code topic}, 0 when it has none. */
    public long newestSeq(String topic) {
        return ring(topic).tailSequence() + 1;
    }

    /**
     * The retained events of {@code topic} with seq in [{@code fromSeq}, {@code toSeq}], oldest first.
     * Events no longer retained (evicted or expired) are simply absent: compare the first returned seq with
     * {@code fromSeq} to find the range lost.
     */
    @Override
    public List<Event> read(String topic, long fromSeq, long toSeq) {
        List<Event> out = new ArrayList<>();
        Ringbuffer<HistoryEntry> ring = ring(topic);
        long next = Math.max(0, fromSeq - 1); // ring sequence
        long last = toSeq - 1;
        int chunk = (int) Math.min(READ_CHUNK, ring.capacity()); // Hazelcast refuses more than the capacity
        while (next <= last) {
            int max = (int) Math.min(chunk, last - next + 1);
            ReadResultSet<HistoryEntry> result;
            try {
                result = await(ring.readManyAsync(next, 0, max, null).toCompletableFuture());
            } catch (StaleSequenceException e) {
                // Older Hazelcast versions throw instead of starting at the head: start there ourselves.
                next = e.getHeadSeq();
                continue;
            }
            if (result.size() == 0) {
                break;
            }
            for (int i = 0; i < result.size(); i++) {
                long ringSeq = result.getSequence(i);
                if (ringSeq <= last) {
                    out.add(result.get(i).toEvent(topic, ringSeq + 1));
                }
            }
            next = result.getNextSequenceToReadFrom();
        }
        return out;
    }

    /**
     * The epoch of {@code topic}'s history: fixed for as long as the history lives, a new one after it was
     * lost (e.g. a {@code memory} cluster restarted). Created on first use, cluster-wide.
     */
    public String epoch(String topic) {
        String existing = epochs.get(topic);
        if (existing != null) {
            return existing;
        }
        String fresh = UUID.randomUUID().toString().substring(0, 8);
        String raced = epochs.putIfAbsent(topic, fresh);
        return raced != null ? raced : fresh;
    }

    private Ringbuffer<HistoryEntry> ring(String topic) {
        return hazelcast.getRingbuffer(HazelcastConfigs.HISTORY_PREFIX + topic);
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<T> future) {
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
