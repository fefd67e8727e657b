package dev.flowcast.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import dev.flowcast.event.Event;
import java.io.IOException;

/**
 * One event as stored in its topic's history ring buffer.
 *
 * <p>The topic is the ring buffer's name and the seq is the ring buffer's sequence + 1, so neither is
 * stored. Immutable after construction or deserialization.
 */
public final class HistoryEntry implements DataSerializable {

    private String id;
    private String data;
    private long acceptedMicros;

    /** For Hazelcast deserialization only. */
    public HistoryEntry() {
    }

    HistoryEntry(Event event) {
        this.id = event.id();
        this.data = event.data();
        this.acceptedMicros = event.acceptedMicros();
    }

    /** The event this entry holds, at {@code seq} of {@code topic}. */
    Event toEvent(String topic, long seq) {
        return new Event(id, topic, data, acceptedMicros, seq);
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeString(id);
        out.writeString(data);
        out.writeLong(acceptedMicros);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        id = in.readString();
        data = in.readString();
        acceptedMicros = in.readLong();
    }
}
