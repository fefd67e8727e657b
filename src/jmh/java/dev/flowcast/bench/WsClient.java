package dev.flowcast.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One WebSocket subscriber over a non-blocking socket: HTTP upgrade, one subscribe, then a streaming decoder of
 * server frames (RFC 6455) that splits each text message on {@code '\n'} (contract §3) and scans every line in
 * place.
 *
 * <p>Owned by one {@link SubscriberLoop} thread, which alone calls it. A line is copied only when it straddles two
 * socket reads; then it goes through a per-client carry buffer that grows up to {@link #MAX_LINE} bytes.
 */
final class WsClient {

    enum State { NEW, CONNECTING, HANDSHAKE, SUBSCRIBING, SUBSCRIBED, CLOSED }

    /** Largest frame line accepted: a 64 KiB event plus its envelope, with room to spare. */
    static final int MAX_LINE = 1 << 20;
    private static final int MAX_HANDSHAKE = 16 * 1024;
    private static final byte[] HEADER_END = FrameScanner.ascii("\r\n\r\n");

    final int index;
    final Endpoint endpoint;
    final TopicCheck check;
    private final byte[] subscribe;
    private final byte[] upgradeRequest;
    private final byte[] expectedAccept;
    private final SubscriberLoop loop;
    private final DeliveryStats stats;

    State state = State.NEW;
    SocketChannel channel;
    SelectionKey key;
    /** Close code the server sent (0 = none yet, -1 = connection dropped without a close frame). */
    int closeCode;

    private String failure;
    private byte[] handshake;
    private int handshakeLength;
    private ByteBuffer pendingWrite;

    // WebSocket frame decoder state
    private final byte[] header = new byte[14];
    private int headerLength;
    private int headerNeeded = 2;
    private long payloadLeft;
    private boolean inPayload;
    private boolean fin;
    private int opcode;
    /** Whether the current message is text (continuation frames inherit it). */
    private boolean textMessage;
    private byte[] control;
    private int controlLength;
    private byte[] carry;
    private int carryLength;

    WsClient(int index, Endpoint endpoint, TopicCheck check, byte[] subscribe, byte[] upgradeRequest,
            byte[] expectedAccept, SubscriberLoop loop, DeliveryStats stats) {
        this.index = index;
        this.endpoint = endpoint;
        this.check = check;
        this.subscribe = subscribe;
        this.upgradeRequest = upgradeRequest;
        this.expectedAccept = expectedAccept;
        this.loop = loop;
        this.stats = stats;
    }

    /** The socket is connected: send the upgrade request. */
    void onConnected() throws IOException {
        state = State.HANDSHAKE;
        handshake = new byte[1024];
        key.interestOps(SelectionKey.OP_READ);
        write(ByteBuffer.wrap(upgradeRequest));
    }

    /** Bytes arrived from the socket. */
    void onBytes(byte[] b, int from, int end) throws IOException {
        if (state == State.HANDSHAKE) {
            from = onHandshakeBytes(b, from, end);
            if (from < 0) {
                return;
            }
        }
        decode(b, from, end);
    }

    /** The server closed the TCP connection. */
    void onEndOfStream() {
        if (closeCode == 0) {
            closeCode = -1;
        }
        close();
    }

    /** Writes what the socket would not take earlier. */
    void onWritable() throws IOException {
        channel.write(pendingWrite);
        if (!pendingWrite.hasRemaining()) {
            pendingWrite = null;
            key.interestOps(SelectionKey.OP_READ);
        }
    }

    /** Sends a close frame if the socket takes it at once, then closes the socket. */
    void closeNormally() {
        if (channel != null && channel.isOpen() && (state == State.SUBSCRIBED || state == State.SUBSCRIBING)) {
            try {
                channel.write(WsFrames.masked(WsFrames.CLOSE, new byte[] {0x03, (byte) 0xE8})); // 1000 normal
            } catch (IOException e) {
                // the server went first; nothing left to tell it
            }
        }
        close();
    }

    /** Records why the client is being given up; the first reason wins. */
    void failure(String reason) {
        if (failure == null) {
            failure = reason;
        }
    }

    String failure() {
        return failure;
    }

    void close() {
        if (state == State.CLOSED) {
            return;
        }
        State was = state;
        state = State.CLOSED;
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // closing a socket that is already broken: nothing to do
            }
        }
        loop.onClosed(this, was);
    }

    private int onHandshakeBytes(byte[] b, int from, int end) throws IOException {
        int n = end - from;
        if (handshakeLength + n > MAX_HANDSHAKE) {
            loop.onRefused(this, "upgrade response over " + MAX_HANDSHAKE + " bytes");
            return -1;
        }
        if (handshakeLength + n > handshake.length) {
            handshake = Arrays.copyOf(handshake, MAX_HANDSHAKE);
        }
        System.arraycopy(b, from, handshake, handshakeLength, n);
        int previous = handshakeLength;
        handshakeLength += n;
        int headerEnd = FrameScanner.indexAfter(handshake, Math.max(0, previous - 3), handshakeLength, HEADER_END);
        if (headerEnd < 0) {
            return -1;
        }
        String response = new String(handshake, 0, headerEnd, StandardCharsets.ISO_8859_1);
        if (!response.startsWith("HTTP/1.1 101")) {
            loop.onRefused(this, response.substring(0, Math.max(0, response.indexOf('\r'))));
            return -1;
        }
        if (FrameScanner.indexAfter(handshake, 0, headerEnd, expectedAccept) < 0) {
            loop.onRefused(this, "wrong Sec-WebSocket-Accept");
            return -1;
        }
        int leftover = handshakeLength - headerEnd;
        byte[] rest = Arrays.copyOfRange(handshake, headerEnd, handshakeLength);
        handshake = null;
        state = State.SUBSCRIBING;
        loop.onUpgraded(this);
        write(WsFrames.masked(WsFrames.TEXT, subscribe));
        if (leftover > 0) {
            decode(rest, 0, leftover);
        }
        return -1;
    }

    private void decode(byte[] b, int i, int end) throws IOException {
        while (i < end && state != State.CLOSED) {
            if (!inPayload) {
                while (headerLength < headerNeeded && i < end) {
                    header[headerLength++] = b[i++];
                    if (headerLength == 2) {
                        int len7 = header[1] & 0x7F;
                        headerNeeded = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((header[1] & 0x80) != 0 ? 4 : 0);
                    }
                }
                if (headerLength < headerNeeded) {
                    return;
                }
                if (!startFrame()) {
                    return;
                }
                if (payloadLeft == 0) {
                    endFrame();
                    continue;
                }
            }
            int n = (int) Math.min(end - i, payloadLeft);
            payload(b, i, i + n);
            i += n;
            payloadLeft -= n;
            if (payloadLeft == 0) {
                endFrame();
            }
        }
    }

    /** Starts the frame whose header is complete; false when it broke the protocol and the client is closed. */
    private boolean startFrame() {
        if ((header[1] & 0x80) != 0) {
            protocolError("masked frame from the server");
            return false;
        }
        fin = (header[0] & 0x80) != 0;
        opcode = header[0] & 0x0F;
        int len7 = header[1] & 0x7F;
        payloadLeft = len7 < 126 ? len7 : 0;
        for (int k = 2, last = len7 == 126 ? 4 : len7 == 127 ? 10 : 2; k < last; k++) {
            payloadLeft = (payloadLeft << 8) | (header[k] & 0xFF);
        }
        if (opcode == WsFrames.TEXT) {
            textMessage = true;
        } else if (opcode >= 8) {
            if (payloadLeft > 125) {
                protocolError("control frame over 125 bytes");
                return false;
            }
            if (control == null) {
                control = new byte[125];
            }
            controlLength = 0;
        } else if (opcode != WsFrames.CONTINUATION) {
            textMessage = false; // binary: not part of the contract, skipped
            stats.errors++;
            stats.lastError = "binary message";
        }
        inPayload = true;
        headerLength = 0;
        headerNeeded = 2;
        return true;
    }

    private void payload(byte[] b, int from, int to) throws IOException {
        if (opcode >= 8) {
            System.arraycopy(b, from, control, controlLength, to - from);
            controlLength += to - from;
        } else if (textMessage) {
            text(b, from, to);
        }
    }

    private void endFrame() throws IOException {
        inPayload = false;
        if (opcode >= 8) {
            onControl();
        } else if (fin && textMessage) {
            if (carryLength > 0) {
                line(carry, 0, carryLength);
                carryLength = 0;
            }
            textMessage = false;
        }
    }

    private void onControl() throws IOException {
        switch (opcode) {
            case WsFrames.PING -> write(WsFrames.masked(WsFrames.PONG, Arrays.copyOf(control, controlLength)));
            case WsFrames.CLOSE -> {
                closeCode = controlLength >= 2 ? ((control[0] & 0xFF) << 8) | (control[1] & 0xFF) : 1005;
                close();
            }
            default -> {
                // an unsolicited pong: nothing to do
            }
        }
    }

    /** Splits text on '\n'; whole lines inside {@code b} are scanned in place, the rest is carried over. */
    private void text(byte[] b, int from, int to) {
        int start = from;
        for (int p = from; p < to; p++) {
            if (b[p] == '\n') {
                if (carryLength > 0) {
                    appendCarry(b, start, p);
                    line(carry, 0, carryLength);
                    carryLength = 0;
                } else if (p > start) {
                    line(b, start, p);
                }
                start = p + 1;
            }
        }
        if (start < to) {
            appendCarry(b, start, to);
        }
    }

    private void appendCarry(byte[] b, int from, int to) {
        int n = to - from;
        if (carryLength + n > MAX_LINE) {
            stats.errors++;
            stats.lastError = "frame line over " + MAX_LINE + " bytes";
            carryLength = 0;
            return;
        }
        if (carry == null || carryLength + n > carry.length) {
            carry = Arrays.copyOf(carry == null ? new byte[0] : carry, Math.min(MAX_LINE, Math.max(256, 2 * (carryLength + n))));
        }
        System.arraycopy(b, from, carry, carryLength, n);
        carryLength += n;
    }

    /** One server frame (one JSON object) in {@code b[from, end)}. */
    private void line(byte[] b, int from, int end) {
        int type = FrameScanner.type(b, from, end);
        if (type == FrameScanner.OTHER || type == FrameScanner.PONG) {
            return;
        }
        int topicAt = FrameScanner.indexAfter(b, from, end, FrameScanner.TOPIC);
        if (type == FrameScanner.ERROR) {
            stats.errors++;
            stats.lastError = FrameScanner.quoted(b, FrameScanner.indexAfter(b, from, end, FrameScanner.CODE), end);
            if (state == State.SUBSCRIBING) {
                loop.onRefused(this, "subscribe refused: " + stats.lastError);
            }
            return;
        }
        if (!FrameScanner.quotedEquals(b, topicAt, end, check.topic)) {
            stats.foreign++;
            return;
        }
        int after = topicAt + check.topic.length;
        switch (type) {
            case FrameScanner.EVENT -> {
                int seqAt = FrameScanner.indexAfter(b, after, end, FrameScanner.SEQ);
                long seq = FrameScanner.number(b, seqAt, end);
                int stampAt = FrameScanner.indexAfter(b, seqAt, end, FrameScanner.STAMP);
                long stamp = stampAt < 0 ? -1 : FrameScanner.number(b, stampAt, end);
                long ts = FrameScanner.number(b, FrameScanner.lastIndexAfter(b, seqAt, end, FrameScanner.TS), end);
                stats.onEvent(check, seq, stamp, ts);
            }
            case FrameScanner.SUBSCRIBED -> {
                check.onSubscribed(FrameScanner.number(b, FrameScanner.indexAfter(b, after, end, FrameScanner.SEQ), end));
                if (state == State.SUBSCRIBING) {
                    state = State.SUBSCRIBED;
                    loop.onSubscribed(this);
                }
            }
            case FrameScanner.GAP -> check.onGap(
                    FrameScanner.number(b, FrameScanner.indexAfter(b, after, end, FrameScanner.FROM), end),
                    FrameScanner.number(b, FrameScanner.indexAfter(b, after, end, FrameScanner.TO), end));
            case FrameScanner.UNSUBSCRIBED -> {
                stats.errors++;
                stats.lastError = "unsubscribed by the server";
            }
            default -> {
                // nothing else carries a topic the generator tracks
            }
        }
    }

    private void protocolError(String what) {
        stats.errors++;
        stats.lastError = what;
        closeCode = 1002;
        close();
    }

    private void write(ByteBuffer frame) throws IOException {
        if (pendingWrite != null) {
            ByteBuffer joined = ByteBuffer.allocate(pendingWrite.remaining() + frame.remaining());
            pendingWrite = joined.put(pendingWrite).put(frame).flip();
            return;
        }
        channel.write(frame);
        if (frame.hasRemaining()) {
            pendingWrite = frame;
            key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        }
    }
}
