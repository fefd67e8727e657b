package dev.flowcast.delivery;

import java.util.function.Consumer;

/**
 * The socket side of an outbox: writes one text message asynchronously, pings, closes, aborts.
 *
 * <p>Adapts a JSR-356 {@code Session} in the app ({@link SessionFrameSink}) and a recorder in unit tests. No
 * method may block on a socket that does not drain.
 */
public interface FrameSink {

    /**
     * Starts writing {@code message}; {@code done} is called exactly once, with null on success or the
     * failure, on whatever thread the container completes the write (possibly this one, before returning).
     */
    void sendAsync(String message, Consumer<Throwable> done);

    /**
     * Starts writing {@code chunks[0..count)} as one message, their texts joined with {@code \n} (contract §3);
     * {@code done} as for {@link #sendAsync(String, Consumer)}. The array is the caller's again once this returns.
     * A sink that can write a chunk's ready-made {@link Chunk#wireFrame frame} overrides this; the others send the
     * joined text.
     */
    default void sendAsync(Chunk[] chunks, int count, Consumer<Throwable> done) {
        sendAsync(Chunk.joinedText(chunks, count), done);
    }

    /** Sends a WebSocket ping (an empty payload); best effort. */
    void ping();

    /** Closes the connection with a WebSocket close code and reason, after what the socket already queued. */
    void close(int code, String reason);

    /**
     * Drops the TCP connection now, without a close handshake: for a peer that stopped reading, whose socket
     * would otherwise hold its buffers for ever. Best effort; a no-op on a connection already closed.
     */
    void abort();
}
