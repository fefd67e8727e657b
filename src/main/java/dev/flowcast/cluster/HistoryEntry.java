package dev.flowcast.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import dev.flowcast.event.Event;
import java.io.IOException;

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
}
