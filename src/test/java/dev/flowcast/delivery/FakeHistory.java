package dev.flowcast.delivery;

import dev.flowcast.cluster.HistoryReader;
import dev.flowcast.cluster.TopicPosition;
import dev.flowcast.event.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** An in-memory topic history for fan-out tests: append events, evict the oldest, change the epoch. */
final class FakeHistory implements HistoryReader {

    private final Map<String, TreeMap<Long, Event>> topics = new ConcurrentHashMap<>();
    private final Map<String, Long> newest = new ConcurrentHashMap<>();
    private final Map<String, String> epochs = new ConcurrentHashMap<>();

    /** Appends events with the next seqs and returns them. */
    List<Event> append(String topic, int count) {
        List<Event> added = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long seq = newest.merge(topic, 1L, Long::sum);
            Event event = new Event("id" + seq, topic, "{\"seq\":" + seq + "}", 1_000 + seq, seq);
            topics.computeIfAbsent(topic, t -> new TreeMap<>()).put(seq, event);
            added.add(event);
        }
        return added;
    }

    /** Forgets events up to and including {@code seq}, as an evicted or expired ring buffer would. */
    void evictThrough(String topic, long seq) {
        topics.getOrDefault(topic, new TreeMap<>()).headMap(seq, true).clear();
    }

    private final java.util.Set<String> failing = ConcurrentHashMap.newKeySet();

    private volatile java.util.concurrent.CountDownLatch positionGate;
    private final java.util.concurrent.atomic.AtomicInteger positionReads = new java.util.concurrent.atomic.AtomicInteger();

    /** How many times a topic's position was read (each a cluster call in the real history). */
    int positionReads() {
        return positionReads.get();
    }

    /** From now on position reads wait for {@code gate} (a history call that takes long), until it opens. */
    void holdPositionsUntil(java.util.concurrent.CountDownLatch gate) {
        positionGate = gate;
    }

    /** From now on every read of {@code topic} throws, as a history read that timed out would. */
    void failReads(String topic) {
        failing.add(topic);
    }

    /** The topic's history is lost and starts again at seq 1 under {@code epoch} (a partition lost outright). */
    void restart(String topic, String epoch) {
        topics.remove(topic);
        newest.remove(topic);
        epochs.put(topic, epoch);
    }

    void setEpoch(String topic, String epoch) {
        epochs.put(topic, epoch);
    }

    @Override
    public TopicPosition position(String topic) {
        positionReads.incrementAndGet();
        java.util.concurrent.CountDownLatch gate = positionGate;
        if (gate != null) {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (failing.contains(topic)) {
            throw new IllegalStateException("Hazelcast did not answer within 30 s (simulated)");
        }
        return new TopicPosition(newest.getOrDefault(topic, 0L), epochs.computeIfAbsent(topic, t -> "e1"));
    }

    @Override
    public List<Event> read(String topic, long fromSeq, long toSeq) {
        if (failing.contains(topic)) {
            throw new IllegalStateException("Hazelcast did not answer within 30 s (simulated)");
        }
        return new ArrayList<>(topics.getOrDefault(topic, new TreeMap<>()).subMap(fromSeq, true, toSeq, true).values());
    }
}
