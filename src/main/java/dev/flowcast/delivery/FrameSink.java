package dev.flowcast.delivery;

import java.util.function.Consumer;

/**
 * The socket side of an outbox: writes one text message asynchronously and closes.
 *
 * <p>Adapts a JSR-356 {@code Session} in the app and a recorder in unit tests.
 */
public interface FrameSink {

    /**
     * Starts writing {@code message}; {@code done} is called exactly once, with null on success or the
     * failure, on whatever thread the container completes the write.
     */
    void sendAsync(String message, Consumer<Throwable> done);

    /** Closes the connection with a WebSocket close code and reason; must not block on a stuck socket. */
    void close(int code, String reason);
}
