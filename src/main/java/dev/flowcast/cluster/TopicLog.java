package dev.flowcast.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
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
    /** The retained events, oldest first, in arrays that live as long as the log (see there why). */
    private final HistoryRing entries = new HistoryRing();
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
     *
     * @param resent the batch is sent again by a node that never got the first call's answer, perhaps long after
     *               (a client node held it while cut off from the cluster): beyond the last {@value #RECENT_BATCHES}
     *               batch ids, its first event is also looked for in the history, so it is not numbered twice
     */
    long append(String batchId, List<HistoryEntry> batch, int capacity, long ttlMicros, boolean resent) {
        Long appended = recentFirstSeqs.get(batchId);
        if (appended != null) {
            return appended;
        }
        if (resent) {
            long retained = seqOf(batch.get(0));
            if (retained > 0) {
                return retained; // appended whole, in one go: the rest of the batch follows it
            }
        }
        long firstSeq = newestSeq + 1;
        for (HistoryEntry entry : batch) {
            entries.addLast(entry, ++newestSeq);
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

    /** The seq of the retained event with the entry's id (newest first; accept times compared first), or 0. */
    private long seqOf(HistoryEntry first) {
        for (int i = entries.size() - 1; i >= 0; i--) {
            if (entries.acceptedMicros(i) == first.acceptedMicros() && entries.get(i).id().equals(first.id())) {
                return entries.seq(i);
            }
        }
        return 0;
    }

    /** Adds events read back from the store (seqs ascending, all at or below {@code newestSeq}). */
    void restore(List<HistoryEntry> stored) {
        for (HistoryEntry entry : stored) {
            entries.addLast(entry, entry.seq());
        }
    }

    /** Retained events with seq in [from, to] accepted after {@code notBeforeMicros}, oldest first. */
    List<HistoryEntry> read(long from, long to, long notBeforeMicros) {
        List<HistoryEntry> out = new ArrayList<>();
        if (entries.isEmpty() || to < from) {
            return out;
        }
        long oldest = entries.seq(0);
        int skip = (int) Math.max(0, Math.min(entries.size(), from - oldest));
        for (int i = skip; i < entries.size(); i++) {
            long seq = entries.seq(i);
            if (seq > to) {
                break;
            }
            if (seq >= from && entries.acceptedMicros(i) >= notBeforeMicros) {
                out.add(entries.get(i));
            }
        }
        return out;
    }

    int size() {
        return entries.size();
    }

    private void trimExpired(long nowMicros, long ttlMicros) {
        long notBefore = nowMicros - ttlMicros;
        while (!entries.isEmpty() && entries.acceptedMicros(0) < notBefore) {
            entries.removeFirst();
        }
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeString(epoch);
        out.writeLong(newestSeq);
        HistoryEntry.writeAll(out, entries.all());
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
        restore(HistoryEntry.readAll(in));
        int recent = in.readInt();
        for (int i = 0; i < recent; i++) {
            String id = in.readString();
            recentBatchIds.addLast(id);
            recentFirstSeqs.put(id, in.readLong());
        }
    }
}
