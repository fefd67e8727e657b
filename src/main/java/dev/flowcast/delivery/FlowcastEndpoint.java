package dev.flowcast.delivery;

import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code ws://HOST:PORT/ws}: the client protocol's socket (contract §3). Lifecycle only; every decision is
 * {@link Delivery}'s. The connection limit is checked before the upgrade, by {@link ConnectionLimitFilter}.
 *
 * <p>One instance per connection (JSR-356 default). The container calls these methods one at a time per session.
 * Nothing here logs the request URI: it may carry {@code ?token=}.
 */
@ServerEndpoint("/ws")
public class FlowcastEndpoint {

    /** Largest text frame accepted; the container closes with 1009 past it (contract §3). */
    public static final int MAX_TEXT_BYTES = 64 * 1024;

    private static final Logger LOG = Logger.getLogger(FlowcastEndpoint.class.getName());

    @Inject
    Delivery delivery;

    private Connection connection;

    @OnOpen
    public void onOpen(Session session) {
        connection = delivery.open(session).orElse(null);
    }

    @OnMessage(maxMessageSize = MAX_TEXT_BYTES)
    public void onText(String text, Session session) throws IOException {
        // WildFly (Undertow) does not enforce maxMessageSize: a 64 KiB + 30 B frame reached this method there and
        // was answered. So the bound is also checked here (bytes counted only when the frame could exceed it).
        if (text.length() > MAX_TEXT_BYTES / 3 && Chunk.utf8Length(text) > MAX_TEXT_BYTES) {
            session.close(new CloseReason(CloseReason.CloseCodes.TOO_BIG, "text frame over " + MAX_TEXT_BYTES + " bytes"));
            return;
        }
        if (connection != null) {
            delivery.onFrame(connection, text);
        }
    }

    @OnMessage
    public void onPong(PongMessage pong) {
        if (connection != null) {
            delivery.onPong(connection);
        }
    }

    @OnMessage
    public void onBinary(ByteBuffer ignored, Session session) throws IOException {
        session.close(new CloseReason(CloseReason.CloseCodes.CANNOT_ACCEPT, "binary frames are not supported"));
    }

    @OnClose
    public void onClose() {
        if (connection != null) {
            delivery.closed(connection);
        }
    }

    @OnError
    public void onError(Session session, Throwable error) {
        // Usually a client that vanished mid-write; the close that follows cleans up.
        LOG.log(Level.FINE, "WebSocket error on session " + session.getId(), error);
    }
}
