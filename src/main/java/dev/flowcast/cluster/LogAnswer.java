package dev.flowcast.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import java.io.IOException;
import java.util.List;

/**
 * What a {@link TopicLogOps} entry processor answers: whether the topic's log exists, its epoch and newest seq,
 * and, per operation, the first seq of an append or the entries of a read. Immutable once built.
 */
public final class LogAnswer implements DataSerializable {

    private boolean exists;
    private boolean created;
    private String epoch;
    private long newestSeq;
    private long firstSeq;
    private List<HistoryEntry> entries = List.of();

    /** For Hazelcast deserialization only. */
    public LogAnswer() {
    }

    static LogAnswer absent() {
        return new LogAnswer();
    }

    static LogAnswer of(TopicLog log, boolean created, long firstSeq, List<HistoryEntry> entries) {
        LogAnswer answer = new LogAnswer();
        answer.exists = true;
        answer.created = created;
        answer.epoch = log.epoch();
        answer.newestSeq = log.newestSeq();
        answer.firstSeq = firstSeq;
        answer.entries = entries;
        return answer;
    }

    /** False when the topic has no log (never published here, or its partition was lost). */
    boolean exists() {
        return exists;
    }

    /** True when this operation created the log. */
    boolean created() {
        return created;
    }

    String epoch() {
        return epoch;
    }

    long newestSeq() {
        return newestSeq;
    }

    long firstSeq() {
        return firstSeq;
    }

    List<HistoryEntry> entries() {
        return entries;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeBoolean(exists);
        if (!exists) {
            return;
        }
        out.writeBoolean(created);
        out.writeString(epoch);
        out.writeLong(newestSeq);
        out.writeLong(firstSeq);
        HistoryEntry.writeAll(out, entries);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        exists = in.readBoolean();
        if (!exists) {
            return;
        }
        created = in.readBoolean();
        epoch = in.readString();
        newestSeq = in.readLong();
        firstSeq = in.readLong();
        entries = HistoryEntry.readAll(in);
    }
}
