package dev.flowcast.bench;

import java.nio.charset.StandardCharsets;

/**
 * Reads the few fields the generator needs straight from a frame's bytes: no JSON library, no allocation.
 *
 * <p>Stateless, so safe from any thread. It relies on what both Flowcast and the reference servers send: compact
 * JSON, one frame per line, {@code type} first, an event's {@code seq} before its {@code data} and {@code ts} last
 * (contract §3). The generator's own payload stamp is the {@code "lg"} field it put into each event's data.
 */
final class FrameScanner {

    static final int OTHER = 0;
    static final int EVENT = 1;
    static final int SUBSCRIBED = 2;
    static final int GAP = 3;
    static final int ERROR = 4;
    static final int UNSUBSCRIBED = 5;
    static final int PONG = 6;

    static final byte[] TYPE = ascii("\"type\":\"");
    static final byte[] TOPIC = ascii("\"topic\":\"");
    static final byte[] SEQ = ascii("\"seq\":");
    static final byte[] STAMP = ascii("\"lg\":");
    static final byte[] TS = ascii("\"ts\":");
    static final byte[] FROM = ascii("\"from\":");
    static final byte[] TO = ascii("\"to\":");
    static final byte[] CODE = ascii("\"code\":\"");

    private FrameScanner() {
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** The frame's type, one of the constants above; {@link #OTHER} when it has none the generator knows. */
    static int type(byte[] b, int from, int end) {
        int at = from + 1 + TYPE.length <= end && startsWith(b, from + 1, TYPE) ? from + 1 + TYPE.length
                : indexAfter(b, from, end, TYPE);
        if (at < 0 || at + 2 > end) {
            return OTHER;
        }
        return switch (b[at]) {
            case 'e' -> b[at + 1] == 'v' ? EVENT : b[at + 1] == 'r' ? ERROR : OTHER;
            case 's' -> SUBSCRIBED;
            case 'g' -> GAP;
            case 'u' -> UNSUBSCRIBED;
            case 'p' -> PONG;
            default -> OTHER;
        };
    }

    /** Index just after the first {@code pattern} in {@code b[from, end)}, or -1 (also when {@code from} is -1). */
    static int indexAfter(byte[] b, int from, int end, byte[] pattern) {
        if (from < 0) {
            return -1;
        }
        byte first = pattern[0];
        for (int i = from, last = end - pattern.length; i <= last; i++) {
            if (b[i] == first && startsWith(b, i, pattern)) {
                return i + pattern.length;
            }
        }
        return -1;
    }

    /** Index just after the last {@code pattern} in {@code b[from, end)}, or -1 (also when {@code from} is -1). */
    static int lastIndexAfter(byte[] b, int from, int end, byte[] pattern) {
        if (from < 0) {
            return -1;
        }
        byte first = pattern[0];
        for (int i = end - pattern.length; i >= from; i--) {
            if (b[i] == first && startsWith(b, i, pattern)) {
                return i + pattern.length;
            }
        }
        return -1;
    }

    /** The non-negative decimal number at {@code b[at]}, or -1 if there is none. */
    static long number(byte[] b, int at, int end) {
        if (at < 0 || at >= end || b[at] < '0' || b[at] > '9') {
            return -1;
        }
        long value = 0;
        for (int i = at; i < end && b[i] >= '0' && b[i] <= '9'; i++) {
            value = value * 10 + (b[i] - '0');
        }
        return value;
    }

    /** Whether {@code b[at]} starts {@code expected} followed by the closing quote of a JSON string. */
    static boolean quotedEquals(byte[] b, int at, int end, byte[] expected) {
        return at >= 0 && at + expected.length < end && startsWith(b, at, expected) && b[at + expected.length] == '"';
    }

    /** The JSON string value starting at {@code b[at]} (after its opening quote), for rare frames like errors. */
    static String quoted(byte[] b, int at, int end) {
        if (at < 0) {
            return "?";
        }
        int close = at;
        while (close < end && b[close] != '"') {
            close++;
        }
        return new String(b, at, close - at, StandardCharsets.UTF_8);
    }

    private static boolean startsWith(byte[] b, int at, byte[] pattern) {
        for (int k = 0; k < pattern.length; k++) {
            if (b[at + k] != pattern[k]) {
                return false;
            }
        }
        return true;
    }
}
