package dev.flowcast.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import dev.flowcast.event.Event;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * One numbered event as kept in its topic's {@link TopicLog}: seq, id, data and accept time.
 *
 * <p>The topic is the log's key, so it is not stored. Immutable after construction or deserialization.
 */
public final class HistoryEntry implements DataSerializable {

    private long seq;
    private String id;
    private String data;
    private long acceptedMicros;

    /** For Hazelcast deserialization only. */
    public HistoryEntry() {
    }

    HistoryEntry(long seq, String id, String data, long acceptedMicros) {
        this.seq = seq;
        this.id = id;
        this.data = data;
        this.acceptedMicros = acceptedMicros;
    }

    /** The unnumbered event's fields, before the log gives it a seq. */
    static HistoryEntry unnumbered(Event event) {
        return new HistoryEntry(0, event.id(), event.data(), event.acceptedMicros());
    }

    HistoryEntry numbered(long assigned) {
        return new HistoryEntry(assigned, id, data, acceptedMicros);
    }

    long seq() {
        return seq;
    }

    String id() {
        return id;
    }

    String data() {
        return data;
    }

    long acceptedMicros() {
        return acceptedMicros;
    }

    /** The event this entry holds, in {@code topic}. */
    Event toEvent(String topic) {
        return new Event(id, topic, data, acceptedMicros, seq);
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeLong(seq);
        out.writeString(id);
        out.writeString(data);
        out.writeLong(acceptedMicros);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        seq = in.readLong();
        id = in.readString();
        data = in.readString();
        acceptedMicros = in.readLong();
    }

    /** Writes a list of entries: its size, then each. */
    static void writeAll(ObjectDataOutput out, Collection<HistoryEntry> entries) throws IOException {
        out.writeInt(entries.size());
        for (HistoryEntry entry : entries) {
            entry.writeData(out);
        }
    }

    /** Reads what {@link #writeAll} wrote. */
    static List<HistoryEntry> readAll(ObjectDataInput in) throws IOException {
        int n = in.readInt();
        List<HistoryEntry> read = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            HistoryEntry entry = new HistoryEntry();
            entry.readData(in);
            read.add(entry);
        }
        return read;
    }
}
