package dev.flowcast.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Writes publish requests (contract §2) straight into a connection's buffer: ASCII digits written by hand, no
 * string building per event. Event {@code k} goes to topic {@code k mod T}; its data is
 * {@code {"lg":STAMP,"n":k,"p":"xxx…"}}, where {@code lg} is the intended send time in epoch microseconds that
 * every client measures latency from, and the padding brings the data to about {@code --payload} bytes.
 *
 * <p>Immutable after construction; {@link #write} only touches the buffers it is given, so one instance serves
 * every connection of the publisher thread.
 */
final class EventBodies {

    /** Bytes of the data object without padding, with a 16-digit stamp and an 8-digit event number. */
    static final int MIN_DATA_BYTES = "{\"lg\":1764670000000000,\"n\":12345678,\"p\":\"\"}".length();

    private static final byte[] DATA_START = FrameScanner.ascii("{\"lg\":");
    private static final byte[] DATA_N = FrameScanner.ascii(",\"n\":");
    private static final byte[] DATA_PAD = FrameScanner.ascii(",\"p\":\"");
    private static final byte[] DATA_END = FrameScanner.ascii("\"}");
    private static final byte[] ITEM_TOPIC = FrameScanner.ascii("{\"topic\":\"");
    private static final byte[] ITEM_DATA = FrameScanner.ascii("\",\"data\":");
    private static final byte[] CONTENT_LENGTH = FrameScanner.ascii("Content-Length: ");
    private static final byte[] CRLF = FrameScanner.ascii("\r\n");

    private final byte[][] topics;
    private final byte[][] singleRequestLines;
    private final byte[] batchRequestLine;
    private final byte[] fixedHeaders;
    private final byte[] padding;

    EventBodies(Options options) {
        int t = options.topics;
        topics = new byte[t][];
        singleRequestLines = new byte[t][];
        String base = options.publish == null ? "" : options.publish.base();
        for (int i = 0; i < t; i++) {
            topics[i] = FrameScanner.ascii(options.topic(i));
            singleRequestLines[i] = FrameScanner.ascii("POST " + base + "/api/topics/" + options.topic(i) + "/events HTTP/1.1\r\n");
        }
        batchRequestLine = FrameScanner.ascii("POST " + base + "/api/events HTTP/1.1\r\n");
        String host = options.publish == null ? "" : options.publish.hostHeader();
        fixedHeaders = ("Host: " + host + "\r\nAuthorization: Bearer " + options.publishKey
                + "\r\nContent-Type: application/json\r\n").getBytes(StandardCharsets.UTF_8);
        padding = FrameScanner.ascii("x".repeat(Math.max(0, options.payload - MIN_DATA_BYTES)));
    }

    /** Largest request for {@code batch} events, to size the buffers. */
    int maxRequestBytes(int batch) {
        int longestTopic = 0;
        for (byte[] topic : topics) {
            longestTopic = Math.max(longestTopic, topic.length);
        }
        int perEvent = MIN_DATA_BYTES + 12 + padding.length + ITEM_TOPIC.length + longestTopic + ITEM_DATA.length + 2;
        return 512 + fixedHeaders.length + 2 * longestTopic + batch * perEvent;
    }

    /**
     * Writes one request for events {@code first .. first + count - 1}, all stamped {@code stamp}: the
     * single-event endpoint when {@code count} is 1 and {@code batchEndpoint} is false, the batch endpoint otherwise.
     *
     * @param body scratch buffer for the body (cleared here)
     * @param out receives the whole request, ready to write (flipped)
     */
    void write(ByteBuffer out, ByteBuffer body, long first, int count, boolean batchEndpoint, long stamp) {
        body.clear();
        out.clear();
        if (!batchEndpoint) {
            data(body, first, stamp);
            out.put(singleRequestLines[topicIndex(first)]);
        } else {
            body.put((byte) '[');
            for (int i = 0; i < count; i++) {
                if (i > 0) {
                    body.put((byte) ',');
                }
                body.put(ITEM_TOPIC).put(topics[topicIndex(first + i)]).put(ITEM_DATA);
                data(body, first + i, stamp);
                body.put((byte) '}');
            }
            body.put((byte) ']');
            out.put(batchRequestLine);
        }
        body.flip();
        out.put(fixedHeaders).put(CONTENT_LENGTH);
        digits(out, body.remaining());
        out.put(CRLF).put(CRLF).put(body);
        out.flip();
    }

    int topicIndex(long event) {
        return (int) (event % topics.length);
    }

    private void data(ByteBuffer body, long event, long stamp) {
        body.put(DATA_START);
        digits(body, stamp);
        body.put(DATA_N);
        digits(body, event);
        body.put(DATA_PAD).put(padding).put(DATA_END);
    }

    /** Writes a non-negative number in decimal ASCII. */
    static void digits(ByteBuffer out, long value) {
        if (value == 0) {
            out.put((byte) '0');
            return;
        }
        int start = out.position();
        for (long v = value; v > 0; v /= 10) {
            out.put((byte) ('0' + (v % 10)));
        }
        for (int i = start, j = out.position() - 1; i < j; i++, j--) {
            byte tmp = out.get(i);
            out.put(i, out.get(j));
            out.put(j, tmp);
        }
    }
}
