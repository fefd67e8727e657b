package dev.flowcast.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * One topic's log: its epoch, the seq of its newest event, and its bounded history, kept in its
 * {@link TopicLogShard}'s Hazelcast map entry.
 *
 * <p>Why a map entry and not a ring buffer: the seq, the history and the epoch then live in one partition and change
 * in one atomic, backed-up operation (an entry processor). A lost partition loses all three together, so the epoch
 * can never outlive its history; and an append can be made idempotent (by batch id), which a ring buffer's
 * {@code addAllAsync} cannot be: Hazelcast retries an operation whose member left, and a ring buffer then stores
 * the batch twice, under new seqs.
 *
 * <p>Threading: not thread-safe; only ever touched by the entry processors of its shard's key, which Hazelcast runs
 * on the key's partition thread one at a time (and on the backup replica, the same way).
 */
public final class TopicLog implements DataSerializable {

    /** Appends remembered for idempotency: more than Hazelcast can retry at once per topic. */
    static final int RECENT_BATCHES = 64;

    private String epoch;
    private long newestSeq;
    /** The retained events, oldest first, each as {@link HistoryEntry#packed()}: one object per event (see there). */
    private final ArrayDeque<byte[]> entries = new ArrayDeque<>();
    /** Ids of the most recent appends, oldest first, and the first seq each got (looked up on every append). */
    private final ArrayDeque<String> recentBatchIds = new ArrayDeque<>();
    private final Map<String, Long> recentFirstSeqs = new HashMap<>();

    /** For Hazelcast deserialization only. */
    public TopicLog() {
    }

    TopicLog(String epoch, long newestSeq) {
        this.epoch = epoch;
        this.newestSeq = newestSeq;
    }

    String epoch() {
        return epoch;
    }

    long newestSeq() {
        return newestSeq;
    }

    /**
     * Numbers and keeps {@code batch} unless a batch with the same id was appended already (a retried operation);
     * either way returns the first seq the batch holds. Deterministic, so the backup replica applying the same
     * call reaches the same state.
     */
    long append(String batchId, List<HistoryEntry> batch, int capacity, long ttlMicros) {
        Long appended = recentFirstSeqs.get(batchId);
        if (appended != null) {
            return appended;
        }
        long firstSeq = newestSeq + 1;
        for (HistoryEntry entry : batch) {
            entries.addLast(entry.numbered(++newestSeq).packed());
        }
        while (entries.size() > capacity) {
            entries.removeFirst();
        }
        trimExpired(batch.get(batch.size() - 1).acceptedMicros(), ttlMicros);
        recentBatchIds.addLast(batchId);
        recentFirstSeqs.put(batchId, firstSeq);
        if (recentBatchIds.size() > RECENT_BATCHES) {
            recentFirstSeqs.remove(recentBatchIds.removeFirst());
        }
        return firstSeq;
    }

    /** Adds events read back from the store (seqs ascending, all at or below {@code newestSeq}). */
    void restore(List<HistoryEntry> stored) {
        for (HistoryEntry entry : stored) {
            entries.addLast(entry.packed());
        }
    }

    /** Retained events with seq in [from, to] accepted after {@code notBeforeMicros}, oldest first. */
    List<HistoryEntry> read(long from, long to, long notBeforeMicros) {
        List<HistoryEntry> out = new ArrayList<>();
        if (entries.isEmpty() || to < from) {
            return out;
        }
        long oldest = HistoryEntry.seqOf(entries.peekFirst());
        int skip = (int) Math.max(0, Math.min(entries.size(), from - oldest));
        Iterator<byte[]> it = entries.iterator();
        for (int i = 0; i < skip; i++) {
            it.next();
        }
        while (it.hasNext()) {
            byte[] entry = it.next();
            long seq = HistoryEntry.seqOf(entry);
            if (seq > to) {
                break;
            }
            if (seq >= from && HistoryEntry.acceptedMicrosOf(entry) >= notBeforeMicros) {
                out.add(HistoryEntry.ofPacked(entry));
            }
        }
        return out;
    }

    int size() {
        return entries.size();
    }

    private void trimExpired(long nowMicros, long ttlMicros) {
        long notBefore = nowMicros - ttlMicros;
        while (!entries.isEmpty() && HistoryEntry.acceptedMicrosOf(entries.peekFirst()) < notBefore) {
            entries.removeFirst();
        }
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeString(epoch);
        out.writeLong(newestSeq);
        out.writeInt(entries.size());
        for (byte[] entry : entries) {
            out.writeByteArray(entry);
        }
        out.writeInt(recentBatchIds.size());
        for (String id : recentBatchIds) {
            out.writeString(id);
            out.writeLong(recentFirstSeqs.get(id));
        }
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        epoch = in.readString();
        newestSeq = in.readLong();
        int retained = in.readInt();
        for (int i = 0; i < retained; i++) {
            entries.addLast(in.readByteArray());
        }
        int recent = in.readInt();
        for (int i = 0; i < recent; i++) {
            String id = in.readString();
            recentBatchIds.addLast(id);
            recentFirstSeqs.put(id, in.readLong());
        }
    }
}
