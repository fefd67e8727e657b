package dev.flowcast.delivery;

import dev.flowcast.delivery.frame.ServerFrames;
import dev.flowcast.event.Event;
import java.util.List;

/**
 * One or more server frames, encoded once, queued as one unit to one outbox or to every subscriber's outbox.
 *
 * <p>The fan-out encodes a topic's batch of events into a single chunk (frames joined with {@code \n}, contract
 * §3) and offers that same instance to every subscriber: one encoding per event, one queue entry per subscriber
 * per batch. Its UTF-8 size and frame count are computed once, for the outboxes' bounds; the accept times of its
 * events travel with it, for the delivery-latency measurement.
 *
 * <p>Immutable; safe to share between threads.
 */
public final class Chunk {

    private static final long[] NO_EVENTS = new long[0];

    private final String text;
    private final int frames;
    private final int bytes;
    private final long[] eventAcceptedMicros;
    /** {@link #wireFrame()}, made by the first writer that needs it; a race only makes it twice. */
    private volatile byte[] wireFrame;

    private Chunk(String text, int frames, long[] eventAcceptedMicros) {
        this.text = text;
        this.frames = frames;
        this.bytes = utf8Length(text);
        this.eventAcceptedMicros = eventAcceptedMicros;
    }

    /** One frame that is not an event ({@code subscribed}, {@code gap}, {@code error}, {@code pong}…). */
    public static Chunk control(String frame) {
        return new Chunk(frame, 1, NO_EVENTS);
    }

    /** The event frames of {@code events}, in order, as one chunk; {@code events} must not be empty. */
    public static Chunk events(List<Event> events) {
        int n = events.size();
        if (n == 0) {
            throw new IllegalArgumentException("a chunk holds at least one frame");
        }
        long[] accepted = new long[n];
        if (n == 1) {
            Event only = events.get(0);
            accepted[0] = only.acceptedMicros();
            return new Chunk(ServerFrames.event(only), 1, accepted);
        }
        StringBuilder joined = new StringBuilder(n * 160);
        for (int i = 0; i < n; i++) {
            Event event = events.get(i);
            if (i > 0) {
                joined.append('\n');
            }
            joined.append(ServerFrames.event(event));
            accepted[i] = event.acceptedMicros();
        }
        return new Chunk(joined.toString(), n, accepted);
    }

    /** The frames, one per line, without a trailing line break. */
    public String text() {
        return text;
    }

    /**
     * The WebSocket frame that carries {@link #text()} as one message ({@link WireFrames#text}), made once and
     * shared by every outbox this chunk is queued to. Never modified: the container may write the array itself.
     */
    byte[] wireFrame() {
        byte[] frame = wireFrame;
        if (frame == null) {
            frame = WireFrames.text(text);
            wireFrame = frame;
        }
        return frame;
    }

    /** The texts of {@code chunks[0..count)} as one message, joined with {@code \n} (contract §3). */
    static String joinedText(Chunk[] chunks, int count) {
        if (count == 1) {
            return chunks[0].text;
        }
        int chars = count - 1;
        for (int i = 0; i < count; i++) {
            chars += chunks[i].text.length();
        }
        StringBuilder message = new StringBuilder(chars);
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                message.append('\n');
            }
            message.append(chunks[i].text);
        }
        return message.toString();
    }

    /** How many frames (lines) it holds. */
    public int frames() {
        return frames;
    }

    /** Its size on the wire, in UTF-8 bytes. */
    public int bytes() {
        return bytes;
    }

    /** How many of its frames are events. */
    public int events() {
        return eventAcceptedMicros.length;
    }

    /** Accept time of its {@code i}-th event, epoch microseconds. */
    public long eventAcceptedMicros(int i) {
        return eventAcceptedMicros[i];
    }

    static int utf8Length(String s) {
        int n = s.length();
        int bytes = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    bytes += 1;
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    bytes += 2; // 4 bytes for the pair's 2 chars
                    i++;
                } else {
                    bytes += 2;
                }
            }
        }
        return bytes;
    }

    @Override
    public String toString() {
        return "Chunk[" + frames + " frame(s), " + bytes + " bytes]";
    }
}
