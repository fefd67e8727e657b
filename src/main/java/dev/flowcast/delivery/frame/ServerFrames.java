package dev.flowcast.delivery.frame;

import dev.flowcast.event.Event;
import java.util.Objects;

/**
 * Encodes server-to-client frames (contract §3); stateless and safe to call from any thread.
 *
 * <p>Each method returns one frame: compact JSON on one line, never containing {@code '\n'}, so an outbox can
 * join several with {@code '\n'} into one socket message. Every string is written as a correct JSON literal
 * ({@link JsonStrings}); topic names and event ids are plain ASCII in practice and take the no-escape fast path.
 * {@link #event} is the hot path (encoded once per event, then written to every subscriber): one pre-sized
 * {@link StringBuilder}, no JSON tree. Arguments that would produce a frame a client cannot trust (a negative
 * seq, an unsequenced event, an empty {@code data}) are bugs and throw {@link IllegalArgumentException}.
 */
public final class ServerFrames {

    private static final String PONG = "{\"type\":\"pong\"}";

    /** Characters of an event frame besides its topic, id, data and numbers. */
    private static final int EVENT_OVERHEAD = "{\"type\":\"event\",\"topic\":\"\",\"seq\":,\"id\":\"\",\"data\":,\"ts\":}"
            .length();
    private static final int MAX_LONG_CHARS = 20;

    private ServerFrames() {
    }

    /**
     * {@code {"type":"subscribed","topic":"t","seq":N,"epoch":"e"}}.
     *
     * @param seq seq of the topic's newest event, 0 if none
     */
    public static String subscribed(String topic, long seq, String epoch) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(epoch, "epoch");
        requireNonNegative(seq, "seq");
        StringBuilder out = new StringBuilder(64 + topic.length() + epoch.length());
        out.append("{\"type\":\"subscribed\",\"topic\":");
        JsonStrings.appendQuoted(out, topic);
        out.append(",\"seq\":").append(seq).append(",\"epoch\":");
        JsonStrings.appendQuoted(out, epoch);
        return out.append('}').toString();
    }

    /** {@code {"type":"unsubscribed","topic":"t"}}: the answer to an unsubscribe. */
    public static String unsubscribed(String topic) {
        return unsubscribed(topic, null);
    }

    /**
     * {@code {"type":"unsubscribed","topic":"t","reason":"r"}}: the server ended the subscription, e.g.
     * {@code token_expired} when the token that authorized it expired; {@code reason} null = the plain answer.
     */
    public static String unsubscribed(String topic, String reason) {
        Objects.requireNonNull(topic, "topic");
        StringBuilder out = new StringBuilder(40 + topic.length() + (reason == null ? 0 : 12 + reason.length()));
        out.append("{\"type\":\"unsubscribed\",\"topic\":");
        JsonStrings.appendQuoted(out, topic);
        if (reason != null) {
            out.append(",\"reason\":");
            JsonStrings.appendQuoted(out, reason);
        }
        return out.append('}').toString();
    }

    /**
     * {@code {"type":"event","topic":"t","seq":N,"id":"…","data":…,"ts":MICROS}}; {@code data} is copied as the
     * raw JSON text of {@link Event#data()}.
     *
     * <p>{@code data} is trusted to be one valid JSON value (ingest checks it). Should it hold a raw line break
     * (legal JSON only as whitespace between tokens), that is turned into a space so the frame stays one line.
     *
     * @param e a sequenced event
     */
    public static String event(Event e) {
        if (!e.isSequenced()) {
            throw new IllegalArgumentException("event " + e.id() + " has no seq yet");
        }
        String topic = e.topic();
        String id = e.id();
        String data = e.data();
        if (data.isEmpty()) {
            throw new IllegalArgumentException("event " + id + " has empty data");
        }
        StringBuilder out = new StringBuilder(
                EVENT_OVERHEAD + topic.length() + id.length() + data.length() + 2 * MAX_LONG_CHARS);
        out.append("{\"type\":\"event\",\"topic\":");
        JsonStrings.appendQuoted(out, topic);
        out.append(",\"seq\":").append(e.seq()).append(",\"id\":");
        JsonStrings.appendQuoted(out, id);
        out.append(",\"data\":");
        appendOneLine(out, data);
        return out.append(",\"ts\":").append(e.acceptedMicros()).append('}').toString();
    }

    /**
     * {@code {"type":"gap","topic":"t","from":A,"to":B}}: events A..B (inclusive) will never arrive.
     *
     * @param from first lost seq, at least 1
     * @param to   last lost seq, at least {@code from}
     */
    public static String gap(String topic, long from, long to) {
        Objects.requireNonNull(topic, "topic");
        if (from < 1 || to < from) {
            throw new IllegalArgumentException("a gap needs 1 <= from <= to: " + from + ".." + to);
        }
        StringBuilder out = new StringBuilder(64 + topic.length());
        out.append("{\"type\":\"gap\",\"topic\":");
        JsonStrings.appendQuoted(out, topic);
        return out.append(",\"from\":").append(from).append(",\"to\":").append(to).append('}').toString();
    }

    /** {@code {"type":"error","code":"…","message":"…","topic":"t"}}, {@code topic} only when the error has one. */
    public static String error(FrameError error) {
        Objects.requireNonNull(error, "error");
        StringBuilder out = new StringBuilder(64 + error.message().length()
                + (error.topic() == null ? 0 : error.topic().length() + 12));
        out.append("{\"type\":\"error\",\"code\":");
        JsonStrings.appendQuoted(out, error.code().wireName());
        out.append(",\"message\":");
        JsonStrings.appendQuoted(out, error.message());
        if (error.topic() != null) {
            out.append(",\"topic\":");
            JsonStrings.appendQuoted(out, error.topic());
        }
        return out.append('}').toString();
    }

    /** {@code {"type":"pong"}}. */
    public static String pong() {
        return PONG;
    }

    private static void appendOneLine(StringBuilder out, String json) {
        if (json.indexOf('\n') < 0 && json.indexOf('\r') < 0) {
            out.append(json);
        } else {
            out.append(json.replace('\n', ' ').replace('\r', ' '));
        }
    }

    private static void requireNonNegative(long value, String name) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be >= 0: " + value);
        }
    }
}
