package dev.flowcast.delivery.frame;

import java.util.Objects;

/**
 * Why a client frame was refused: the content of one {@code error} frame; immutable and thread-safe.
 *
 * <p>{@code topic} echoes the topic the refused frame named, so a client with several subscribes in flight knows
 * which one failed. It may be user-controlled garbage (for {@code bad_topic}), so the constructor makes it safe:
 * it keeps at most {@link #MAX_ECHOED_TOPIC} characters (never splitting a surrogate pair) and replaces unpaired
 * surrogates with U+FFFD, so the frame always encodes to valid UTF-8. JSON escaping is the encoder's job.
 *
 * @param code    the error code
 * @param message a human sentence for the client; never a stack trace, never blank
 * @param topic   the topic the refused frame named, or {@code null} when it named none
 */
public record FrameError(ErrorCode code, String message, String topic) {

    /** Longest echoed topic, in UTF-16 chars: the longest legal topic name. */
    public static final int MAX_ECHOED_TOPIC = dev.flowcast.event.Topic.MAX_LENGTH;

    public FrameError {
        Objects.requireNonNull(code, "code");
        if (message == null || message.isBlank()) {
            throw new IllegalArgumentException("an error frame needs a message");
        }
        topic = topic == null ? null : safeEcho(topic);
    }

    /** An error that names no topic. */
    public static FrameError of(ErrorCode code, String message) {
        return new FrameError(code, message, null);
    }

    private static String safeEcho(String topic) {
        int end = Math.min(topic.length(), MAX_ECHOED_TOPIC);
        if (end > 0 && end < topic.length() && Character.isHighSurrogate(topic.charAt(end - 1))
                && Character.isLowSurrogate(topic.charAt(end))) {
            end--; // keep the pair whole: drop it rather than cut it
        }
        StringBuilder out = null;
        for (int i = 0; i < end; i++) {
            char c = topic.charAt(i);
            boolean paired = Character.isHighSurrogate(c)
                    ? i + 1 < end && Character.isLowSurrogate(topic.charAt(i + 1))
                    : Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(topic.charAt(i - 1));
            if (Character.isSurrogate(c) && !paired) {
                if (out == null) {
                    out = new StringBuilder(end).append(topic, 0, i);
                }
                out.append('\uFFFD');
            } else if (out != null) {
                out.append(c);
            }
        }
        return out != null ? out.toString() : topic.substring(0, end);
    }
}
