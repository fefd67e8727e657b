package dev.flowcast.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Arrays;

/**
 * One HTTP/1.1 keep-alive connection of the publisher with at most one request in flight, and a parser of its
 * responses (status, {@code Content-Length} or chunked body, {@code Connection: close}); the body is skipped.
 *
 * <p>Owned by the {@link Publisher} thread, which alone calls it. Its buffers are allocated once.
 */
final class HttpConnection {

    private static final int MAX_RESPONSE = 1 << 20;
    private static final byte[] HEADER_END = FrameScanner.ascii("\r\n\r\n");
    private static final byte[] CRLF = FrameScanner.ascii("\r\n");

    final ByteBuffer out;
    final ByteBuffer body;
    /** Where this connection publishes (one of {@code --publish}'s URLs). */
    final Endpoint target;
    SocketChannel channel;
    SelectionKey key;
    boolean connected;
    /** A request is in flight (sent or being sent, no complete response yet). */
    boolean busy;
    /** The server asked to close after the current response. */
    boolean closeAfterResponse;
    long reconnectAtMicros;

    // the request in flight
    long firstEvent;
    int count;
    long stamp;
    long sentMicros;

    private byte[] in = new byte[4096];
    private int inLength;

    HttpConnection(Endpoint target, int maxRequestBytes) {
        this.target = target;
        out = ByteBuffer.allocate(maxRequestBytes);
        body = ByteBuffer.allocate(maxRequestBytes);
    }

    /** Reads what the socket has; false at end of stream. */
    boolean read() throws IOException {
        if (inLength == in.length) {
            if (in.length >= MAX_RESPONSE) {
                throw new IOException("response over " + MAX_RESPONSE + " bytes");
            }
            in = Arrays.copyOf(in, in.length * 2);
        }
        int n = channel.read(ByteBuffer.wrap(in, inLength, in.length - inLength));
        if (n < 0) {
            return false;
        }
        inLength += n;
        return true;
    }

    /**
     * Takes one complete response off the input, if there is one.
     *
     * @return its status code, or -1 while it is incomplete
     */
    int takeResponse() throws IOException {
        int headerEnd = FrameScanner.indexAfter(in, 0, inLength, HEADER_END);
        if (headerEnd < 0) {
            return -1;
        }
        if (inLength < 12 || in[0] != 'H' || in[8] != ' ') {
            throw new IOException("not an HTTP/1.1 response");
        }
        int status = (int) FrameScanner.number(in, 9, 12);
        long contentLength = 0;
        boolean chunked = false;
        boolean close = false;
        for (int line = lineAfter(0, headerEnd); line < headerEnd - 2; line = lineAfter(line, headerEnd)) {
            if (headerIs(line, "content-length:")) {
                contentLength = FrameScanner.number(in, skipSpaces(line + 15), headerEnd);
            } else if (headerIs(line, "transfer-encoding:")) {
                chunked = containsIgnoreCase(line, headerEnd, "chunked");
            } else if (headerIs(line, "connection:")) {
                close = containsIgnoreCase(line, headerEnd, "close");
            }
        }
        int end = chunked ? chunkedEnd(headerEnd) : (int) Math.min(Integer.MAX_VALUE, headerEnd + contentLength);
        if (end < 0 || end > inLength) {
            return -1;
        }
        System.arraycopy(in, end, in, 0, inLength - end);
        inLength -= end;
        closeAfterResponse = close;
        return status;
    }

    /** Drops any partial response (after the connection broke). */
    void reset() {
        inLength = 0;
        busy = false;
        connected = false;
        closeAfterResponse = false;
    }

    /** End of a chunked body that starts at {@code at}, or -1 if it has not all arrived (trailers unsupported). */
    private int chunkedEnd(int at) throws IOException {
        int i = at;
        while (true) {
            int lineEnd = FrameScanner.indexAfter(in, i, inLength, CRLF);
            if (lineEnd < 0) {
                return -1;
            }
            long size = 0;
            for (int k = i; k < lineEnd - 2 && Character.digit(in[k], 16) >= 0; k++) {
                size = size * 16 + Character.digit(in[k], 16);
            }
            if (size == 0) {
                return lineEnd + 2 <= inLength ? lineEnd + 2 : -1;
            }
            i = (int) (lineEnd + size + 2);
            if (i > inLength) {
                return -1;
            }
        }
    }

    private int lineAfter(int from, int end) {
        for (int i = from; i < end - 1; i++) {
            if (in[i] == '\r' && in[i + 1] == '\n') {
                return i + 2;
            }
        }
        return end;
    }

    private boolean headerIs(int at, String name) {
        if (at + name.length() > inLength) {
            return false;
        }
        for (int k = 0; k < name.length(); k++) {
            if (Character.toLowerCase(in[at + k]) != name.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private boolean containsIgnoreCase(int from, int end, String word) {
        int lineEnd = lineAfter(from, end);
        for (int i = from; i + word.length() <= lineEnd; i++) {
            if (headerIs(i, word)) {
                return true;
            }
        }
        return false;
    }

    private int skipSpaces(int at) {
        while (at < inLength && in[at] == ' ') {
            at++;
        }
        return at;
    }
}
