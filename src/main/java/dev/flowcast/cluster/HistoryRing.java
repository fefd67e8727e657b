package dev.flowcast.cluster;

import java.util.ArrayList;
import java.util.List;

/**
 * The retained events of one {@link TopicLog}, oldest first, kept in arrays that live as long as the log: per
 * event a slot in a ring of primitive arrays (seq, accept time, where its bytes are, how long its id is), and its id
 * and data bytes in one ring of bytes.
 *
 * <p>Why not one object per event: a log keeps {@code flowcast.history.size} events per topic, each for seconds to
 * minutes, so as objects they outlive several young collections and G1 copies every one of them at each. That
 * copying was most of the 20–40 ms young pauses that set the {@code 202} p99 of {@code replicated} mode
 * (docs/profiles/replicated-gc-pauses.txt). Here an append writes into arrays the log already has: no object per
 * event is kept, and arrays of primitives hold no references for the collector to trace. The arrays start small
 * (a topic with a few events costs a few hundred bytes), double when full, and the byte ring halves again when a
 * burst of large events has left it mostly empty.
 *
 * <p>An event's bytes may wrap around the end of the byte ring (written and read in two parts), so its free space
 * is exactly its capacity minus the bytes retained.
 *
 * <p>Threading: not thread-safe; owned by its {@link TopicLog}.
 */
final class HistoryRing {

    /**
     * Small: with topic churn most logs hold a few events (one 60-byte event with its 32-character id is ~92 bytes),
     * so a log starts at ~380 bytes (the ring and its arrays); a busy one reaches its size in a few doublings.
     */
    private static final int INITIAL_SLOTS = 4;
    private static final int INITIAL_BYTES = 128;

    private long[] seqs = new long[INITIAL_SLOTS];
    private long[] acceptedMicros = new long[INITIAL_SLOTS];
    private int[] starts = new int[INITIAL_SLOTS];
    private int[] lengths = new int[INITIAL_SLOTS];
    private int[] idLengths = new int[INITIAL_SLOTS];
    /** Slot of the oldest event. */
    private int head;
    private int size;

    private byte[] bytes = new byte[INITIAL_BYTES];
    /** Bytes retained (the events' ids and data); they start at {@code starts[head]} and run on, wrapping. */
    private int bytesUsed;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Seq of the {@code i}-th oldest event. */
    long seq(int i) {
        return seqs[slot(i)];
    }

    /** Accept time of the {@code i}-th oldest event. */
    long acceptedMicros(int i) {
        return acceptedMicros[slot(i)];
    }

    /** Appends {@code entry} (its packed form) as the newest event, numbered {@code seq}. */
    void addLast(HistoryEntry entry, long seq) {
        byte[] packed = entry.packed();
        int length = HistoryEntry.bodyLength(packed);
        if (size == seqs.length) {
            growSlots();
        }
        if (bytes.length - bytesUsed < length) {
            resizeBytes(Math.max(bytes.length * 2, Integer.highestOneBit(bytesUsed + length - 1) << 1));
        }
        int start = 0; // an empty ring holds no bytes: start over at 0
        if (size > 0) {
            int newest = slot(size - 1);
            start = wrap(starts[newest] + lengths[newest]);
        }
        copyIn(packed, HistoryEntry.bodyOffset(), start, length);
        int s = slot(size);
        seqs[s] = seq;
        acceptedMicros[s] = HistoryEntry.acceptedMicrosOf(packed);
        starts[s] = start;
        lengths[s] = length;
        idLengths[s] = HistoryEntry.idLengthOf(packed);
        size++;
        bytesUsed += length;
    }

    /** Forgets the oldest event. */
    void removeFirst() {
        if (size == 0) {
            throw new IllegalStateException("empty");
        }
        bytesUsed -= lengths[head];
        head = (head + 1) % seqs.length;
        size--;
        if (bytes.length > INITIAL_BYTES && bytesUsed * 4 < bytes.length) {
            resizeBytes(Math.max(INITIAL_BYTES, bytes.length / 2));
        }
    }

    /** The {@code i}-th oldest event, as a new entry (the ring keeps its bytes). */
    HistoryEntry get(int i) {
        int s = slot(i);
        byte[] packed = HistoryEntry.packedHeader(seqs[s], acceptedMicros[s], idLengths[s], lengths[s]);
        copyOut(starts[s], packed, HistoryEntry.bodyOffset(), lengths[s]);
        return HistoryEntry.ofPacked(packed);
    }

    /** Every retained event, oldest first, as new entries. */
    List<HistoryEntry> all() {
        List<HistoryEntry> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(get(i));
        }
        return out;
    }

    private int slot(int i) {
        return (head + i) % seqs.length;
    }

    private int wrap(int offset) {
        return offset >= bytes.length ? offset - bytes.length : offset;
    }

    private void copyIn(byte[] from, int fromOffset, int start, int length) {
        int first = Math.min(length, bytes.length - start);
        System.arraycopy(from, fromOffset, bytes, start, first);
        System.arraycopy(from, fromOffset + first, bytes, 0, length - first);
    }

    private void copyOut(int start, byte[] to, int toOffset, int length) {
        int first = Math.min(length, bytes.length - start);
        System.arraycopy(bytes, start, to, toOffset, first);
        System.arraycopy(bytes, 0, to, toOffset + first, length - first);
    }

    /** Doubles the slot arrays, the oldest event moving to slot 0. */
    private void growSlots() {
        int old = seqs.length;
        int capacity = old * 2;
        seqs = unwrap(seqs, new long[capacity], old);
        acceptedMicros = unwrap(acceptedMicros, new long[capacity], old);
        starts = unwrap(starts, new int[capacity], old);
        lengths = unwrap(lengths, new int[capacity], old);
        idLengths = unwrap(idLengths, new int[capacity], old);
        head = 0;
    }

    /** Copies the {@code size} slots of {@code from} (a ring of {@code length}) to the start of {@code to}. */
    private <A> A unwrap(A from, A to, int length) {
        int first = Math.min(size, length - head);
        System.arraycopy(from, head, to, 0, first);
        System.arraycopy(from, 0, to, first, size - first);
        return to;
    }

    /** Moves the retained bytes to a new ring of {@code capacity} bytes, starting at offset 0. */
    private void resizeBytes(int capacity) {
        byte[] moved = new byte[capacity];
        int at = 0;
        for (int i = 0; i < size; i++) {
            int s = slot(i);
            copyOut(starts[s], moved, at, lengths[s]);
            starts[s] = at;
            at += lengths[s];
        }
        bytes = moved;
    }
}
