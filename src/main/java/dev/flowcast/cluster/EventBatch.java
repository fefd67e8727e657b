package dev.flowcast.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import dev.flowcast.event.Event;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Sequenced events of one topic with consecutive seqs, as the bus hands them to its sink.
 *
 * <p>On the wire several topics' batches of one bus partition travel in one {@link BusMessage} (FACTS.md: about
 * 10k Hazelcast operations/s per cluster, so never one operation per event, nor per quiet topic). Immutable after
 * construction or deserialization; safe to share.
 */
public final class EventBatch implements DataSerializable {

    private String topic;
    private String epoch;
    private long firstSeq;
    private List<Event> events;

    /** For Hazelcast deserialization only. */
    public EventBatch() {
    }

    /** @param events sequenced events of {@code topic}, with consecutive seqs, oldest first; epoch not known */
    public EventBatch(String topic, List<Event> events) {
        this(topic, null, events);
    }

    /**
     * @param epoch  the epoch of the history that numbered them (a fan-out that sees it change knows the topic's
     *               history was lost and restarted), or null when not known
     * @param events sequenced events of {@code topic}, with consecutive seqs, oldest first
     */
    public EventBatch(String topic, String epoch, List<Event> events) {
        if (events.isEmpty()) {
            throw new IllegalArgumentException("empty batch");
        }
        this.topic = topic;
        this.epoch = epoch;
        this.firstSeq = events.get(0).seq();
        this.events = List.copyOf(events);
    }

    public String topic() {
        return topic;
    }

    /** The epoch of the history that numbered these events, or null when not known. */
    public String epoch() {
        return epoch;
    }

    public long firstSeq() {
        return firstSeq;
    }

    public long lastSeq() {
        return firstSeq + events.size() - 1;
    }

    public List<Event> events() {
        return events;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeString(topic);
        out.writeString(epoch);
        out.writeLong(firstSeq);
        out.writeInt(events.size());
        for (Event event : events) {
            out.writeString(event.id());
            out.writeString(event.data());
            out.writeLong(event.acceptedMicros());
        }
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        topic = in.readString();
        epoch = in.readString();
        firstSeq = in.readLong();
        int size = in.readInt();
        List<Event> read = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            read.add(new Event(in.readString(), topic, in.readString(), in.readLong(), firstSeq + i));
        }
        events = List.copyOf(read);
    }
}
