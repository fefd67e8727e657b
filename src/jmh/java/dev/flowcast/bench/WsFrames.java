package dev.flowcast.bench;

import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;

/** Client-to-server WebSocket frames (RFC 6455 §5.2): masked, unfragmented; stateless and thread-safe. */
final class WsFrames {

    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    private WsFrames() {
    }

    /** One final frame of {@code opcode} carrying {@code payload}, masked with a fresh random key. */
    static ByteBuffer masked(int opcode, byte[] payload) {
        int n = payload.length;
        ByteBuffer frame = ByteBuffer.allocate(14 + n);
        frame.put((byte) (0x80 | opcode));
        if (n < 126) {
            frame.put((byte) (0x80 | n));
        } else if (n < 65536) {
            frame.put((byte) (0x80 | 126)).putShort((short) n);
        } else {
            frame.put((byte) (0x80 | 127)).putLong(n);
        }
        int mask = ThreadLocalRandom.current().nextInt();
        frame.putInt(mask);
        for (int i = 0; i < n; i++) {
            frame.put((byte) (payload[i] ^ (mask >>> (8 * (3 - (i & 3))))));
        }
        return frame.flip();
    }
}
