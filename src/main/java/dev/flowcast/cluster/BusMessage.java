package dev.flowcast.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One message on a bus partition: the numbered batches of every topic one sequencer call handled in that partition
 * (one batch per topic, each in seq order), or a flush marker.
 *
 * <p>Why several topics per message: many quiet topics would otherwise cost one bus operation each (issue 8).
 * Immutable after construction or deserialization.
 */
public final class BusMessage implements DataSerializable {

    private String markerId;
    private List<EventBatch> batches;

    /** For Hazelcast deserialization only. */
    public BusMessage() {
    }

    static BusMessage of(List<EventBatch> batches) {
        BusMessage message = new BusMessage();
        message.batches = List.copyOf(batches);
        return message;
    }

    /** A message with no events that marks a point in a partition (see {@link EventBus#flush}). */
    static BusMessage marker(String id) {
        BusMessage message = new BusMessage();
        message.markerId = id;
        message.batches = List.of();
        return message;
    }

    /** The marker's id, or null for a message of batches. */
    String markerId() {
        return markerId;
    }

    List<EventBatch> batches() {
        return batches;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeString(markerId);
        out.writeInt(batches.size());
        for (EventBatch batch : batches) {
            batch.writeData(out);
        }
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        markerId = in.readString();
        int n = in.readInt();
        List<EventBatch> read = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            EventBatch batch = new EventBatch();
            batch.readData(in);
            read.add(batch);
        }
        batches = List.copyOf(read);
    }
}
