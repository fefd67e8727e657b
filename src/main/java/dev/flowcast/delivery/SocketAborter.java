package dev.flowcast.delivery;

import static dev.flowcast.delivery.ContainerInternals.call;
import static dev.flowcast.delivery.ContainerInternals.field;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Drops a WebSocket's TCP connection at once, without a close handshake, for a peer that stopped reading.
 *
 * <p>Why it is needed (seen on Payara Micro 6.2025.10): when this side closes a session whose socket is backed up,
 * Tyrus queues the close frame behind the unsent data and hands the connection to Grizzly for a graceful close; the
 * servlet layer cancels the queued frames (close frame included), and Grizzly's graceful close waits for its own
 * write queue to drain, which never happens while the peer does not read. The socket and its buffers would stay
 * for ever.
 *
 * <p>JSR-356 has no abort, so this reaches into the container, best effort, and says once in the log when it
 * cannot. The transport object is looked up when the connection opens ({@link #handleFor}): by the time an abort is
 * due, Tyrus refuses to hand out the remote and the servlet request behind it has been recycled.
 * <ul>
 *   <li>Payara (Tyrus over Grizzly's servlet upgrade): {@code asyncRemote.webSocket.protocolHandler.writer}
 *       (a {@code TyrusServletWriter}) {@code .tyrusHttpUpgradeHandler.getWebConnection().request.getCoyoteRequest().getRequest()
 *       .getConnection()}, a Grizzly {@code Connection}, whose {@code terminateSilently()} closes at once.</li>
 *   <li>WildFly (Undertow): {@code UndertowSession.getWebSocketChannel()}, whose {@code close()} closes at once.</li>
 * </ul>
 * Thread-safe.
 */
final class SocketAborter {

    private static final Logger LOG = Logger.getLogger(SocketAborter.class.getName());
    private static final Runnable NOTHING = () -> { };

    private volatile boolean warned;

    /**
     * Finds, now while the session is open, how to drop its connection later; a no-op (said once in the log) when
     * the server offers no way.
     */
    Runnable handleFor(Session session, RemoteEndpoint.Async remote) {
        String why;
        try {
            Object grizzly = grizzlyConnection(remote);
            if (grizzly != null) {
                return () -> invokeQuietly(grizzly, "terminateSilently");
            }
            Object undertow = undertowChannel(session);
            if (undertow != null) {
                return () -> invokeQuietly(undertow, "close");
            }
            why = "neither Tyrus over a Grizzly servlet connection nor Undertow";
        } catch (ReflectiveOperationException | RuntimeException e) {
            why = e.toString();
        }
        if (!warned) {
            warned = true;
            LOG.warning("this server offers no way to drop a WebSocket connection at once (" + session.getClass().getName()
                    + ": " + why + "): a peer that stops reading keeps its socket until TCP gives up on it");
        }
        return NOTHING;
    }

    /** Payara: the Grizzly connection under a Tyrus session, or null when this is not Tyrus on a servlet upgrade. */
    private static Object grizzlyConnection(RemoteEndpoint.Async remote) throws ReflectiveOperationException {
        if (!remote.getClass().getName().startsWith("org.glassfish.tyrus.")) {
            return null;
        }
        Object webSocket = field(remote, "webSocket");
        Object protocolHandler = field(webSocket, "protocolHandler");
        Object writer = field(protocolHandler, "writer");
        if (writer == null || !writer.getClass().getName().equals("org.glassfish.tyrus.servlet.TyrusServletWriter")) {
            return null;
        }
        Object upgradeHandler = field(writer, "tyrusHttpUpgradeHandler");
        // a method, not the field: the container may hand Tyrus a proxy of the handler, whose own fields stay empty
        Object webConnection = call(upgradeHandler, "getWebConnection");
        Object request = field(webConnection, "request");
        Object grizzlyRequest = call(request, "getCoyoteRequest");
        Object packet = call(grizzlyRequest, "getRequest");
        return call(packet, "getConnection");
    }

    /** WildFly: the Undertow channel under a session, or null when this is not Undertow. */
    private static Object undertowChannel(Session session) throws ReflectiveOperationException {
        if (!session.getClass().getName().startsWith("io.undertow.")) {
            return null;
        }
        return call(session, "getWebSocketChannel");
    }

    private static void invokeQuietly(Object target, String method) {
        try {
            call(target, method);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.FINE, "abort of a WebSocket connection failed; it may be gone already", e);
        }
    }
}
