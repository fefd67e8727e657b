package dev.flowcast.delivery;

import java.nio.charset.StandardCharsets;

/**
 * WebSocket text messages as a server puts them on the wire (RFC 6455 §5.2): one final text frame, unmasked, the
 * payload in UTF-8. Exactly the bytes Tyrus writes for {@code sendText}, built by Flowcast once per chunk instead of
 * by the container once per client ({@link RawFrameWriter}).
 *
 * <p>Stateless; thread-safe.
 */
final class WireFrames {

    /** FIN set, opcode 1 (text). */
    private static final byte FINAL_TEXT = (byte) 0x81;
    /** FIN set, opcode 8 (close). */
    private static final byte CLOSE = (byte) 0x88;
    /** A control frame's payload is at most 125 bytes: the 2-byte code and at most 123 of reason. */
    private static final int MAX_CLOSE_REASON_BYTES = 123;
    private static final byte NEWLINE = '\n';

    private WireFrames() {
    }

    /** The whole frame of one text message: header then {@code text} in UTF-8. */
    static byte[] text(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] frame = new byte[headerLength(payload.length) + payload.length];
        int offset = writeHeader(frame, payload.length);
        System.arraycopy(payload, 0, frame, offset, payload.length);
        return frame;
    }

    /**
     * One text message whose payload is the texts of {@code chunks[0..count)} joined with {@code \n} (contract §3:
     * several waiting chunks leave as one message), copied from their {@link Chunk#wireFrame frames}, not encoded
     * again. A single chunk's frame is returned as it is, shared, not copied.
     */
    static byte[] joined(Chunk[] chunks, int count) {
        if (count == 1) {
            return chunks[0].wireFrame();
        }
        long payload = count - 1L; // the line breaks
        for (int i = 0; i < count; i++) {
            payload += payloadLength(chunks[i].wireFrame());
        }
        if (payload > Integer.MAX_VALUE - 10) {
            throw new IllegalArgumentException("a message of " + payload + " bytes");
        }
        byte[] message = new byte[headerLength((int) payload) + (int) payload];
        int at = writeHeader(message, (int) payload);
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                message[at++] = NEWLINE;
            }
            byte[] frame = chunks[i].wireFrame();
            int start = headerLength(payloadLength(frame));
            System.arraycopy(frame, start, message, at, frame.length - start);
            at += frame.length - start;
        }
        return message;
    }

    /**
     * A close frame (RFC 6455 §5.5.1): the code, then the reason in UTF-8, cut to the 123 bytes a control frame
     * leaves it (at a character boundary).
     */
    static byte[] close(int code, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(text.length, MAX_CLOSE_REASON_BYTES);
        while (length < text.length && (text[length] & 0xC0) == 0x80) {
            length--; // do not split a multi-byte character
        }
        byte[] frame = new byte[4 + length];
        frame[0] = CLOSE;
        frame[1] = (byte) (2 + length);
        frame[2] = (byte) (code >>> 8);
        frame[3] = (byte) code;
        System.arraycopy(text, 0, frame, 4, length);
        return frame;
    }

    /** The payload length of a frame made by {@link #text}, read back from its header. */
    static int payloadLength(byte[] frame) {
        int length = frame[1] & 0x7F;
        if (length == 126) {
            return ((frame[2] & 0xFF) << 8) | (frame[3] & 0xFF);
        }
        if (length == 127) {
            long wide = 0;
            for (int i = 2; i < 10; i++) {
                wide = (wide << 8) | (frame[i] & 0xFF);
            }
            return (int) wide;
        }
        return length;
    }

    /** 2 bytes up to 125 payload bytes, 4 up to 65 535, else 10 (the shortest form, as RFC 6455 requires). */
    static int headerLength(int payloadLength) {
        if (payloadLength < 126) {
            return 2;
        }
        return payloadLength <= 0xFFFF ? 4 : 10;
    }

    /** Writes the header for {@code payloadLength} at the start of {@code frame}; returns where the payload starts. */
    private static int writeHeader(byte[] frame, int payloadLength) {
        frame[0] = FINAL_TEXT;
        if (payloadLength < 126) {
            frame[1] = (byte) payloadLength;
            return 2;
        }
        if (payloadLength <= 0xFFFF) {
            frame[1] = 126;
            frame[2] = (byte) (payloadLength >>> 8);
            frame[3] = (byte) payloadLength;
            return 4;
        }
        frame[1] = 127;
        long wide = payloadLength;
        for (int i = 9; i >= 2; i--) {
            frame[i] = (byte) wide;
            wide >>>= 8;
        }
        return 10;
    }
}
