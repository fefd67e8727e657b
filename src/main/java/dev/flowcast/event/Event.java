package dev.flowcast.event;

import java.util.Objects;

/**
 * One published event, immutable.
 *
 * <p>{@code data} is the event's JSON value in compact form (no line breaks: frames are newline-separated,
 * contract §3). {@code seq} is 0 until the sequencer gives the event its place in the topic; from then on
 * it is the topic's cluster-wide sequence number, starting at 1.
 *
 * @param id             unique id given at ingest
 * @param topic          a legal topic name ({@link Topic})
 * @param data           compact JSON text
 * @param acceptedMicros epoch microseconds when ingest accepted the event
 * @param seq            per-topic sequence number, or 0 when not sequenced yet
 */
public record Event(String id, String topic, String data, long acceptedMicros, long seq) {

    public Event {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(data, "data");
        if (seq < 0) {
            throw new IllegalArgumentException("seq must be >= 0: " + seq);
        }
    }

    /** A new, not yet sequenced event. */
    public static Event accepted(String id, String topic, String data, long acceptedMicros) {
        return new Event(id, topic, data, acceptedMicros, 0);
    }

    /** This event at its place {@code seq} in its topic. */
    public Event withSeq(long seq) {
        if (seq <= 0) {
            throw new IllegalArgumentException("seq must be > 0: " + seq);
        }
        return new Event(id, topic, data, acceptedMicros, seq);
    }

    public boolean isSequenced() {
        return seq > 0;
    }
}
