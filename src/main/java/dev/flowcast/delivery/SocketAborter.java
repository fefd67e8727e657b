package dev.flowcast.delivery;

import jakarta.websocket.Session;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Drops a WebSocket's TCP connection at once, without a close handshake, for a peer that stopped reading: a close
 * frame queued behind writes that never drain would otherwise keep the socket and its buffers for ever.
 *
 * <p>JSR-356 has no abort, so this reaches into the container, best effort, and says once in the log when it
 * cannot:
 * <ul>
 *   <li>Payara (Tyrus over Grizzly's servlet upgrade): {@code asyncRemote.webSocket.protocolHandler.writer}
 *       (a {@code TyrusServletWriter}) {@code .tyrusHttpUpgradeHandler.wc.request.getCoyoteRequest().getRequest()
 *       .getConnection().terminateSilently()} — Grizzly's immediate close. Tyrus' own {@code WebConnection.close()}
 *       flushes first, which is what never finishes here.</li>
 *   <li>WildFly (Undertow): {@code UndertowSession.getWebSocketChannel().close()}, which closes the channel at
 *       once.</li>
 * </ul>
 * Aborts are rare (only peers that stopped reading), so the path is looked up each time. Thread-safe.
 */
final class SocketAborter {

    private static final Logger LOG = Logger.getLogger(SocketAborter.class.getName());

    private volatile boolean warned;

    /** Drops the connection under {@code session}; when the server offers no way, closes it normally. */
    void abort(Session session) {
        try {
            if (abortTyrusOnGrizzly(session) || abortUndertow(session)) {
                return;
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.FINE, "abort of session " + session.getId() + " failed", e);
        }
        if (!warned) {
            warned = true;
            LOG.warning("this server offers no way to drop a WebSocket connection at once ("
                    + session.getClass().getName() + "): a peer that stops reading keeps its socket until TCP "
                    + "gives up on it");
        }
    }

    private static boolean abortTyrusOnGrizzly(Session session) throws ReflectiveOperationException {
        Object remote = session.getAsyncRemote();
        if (!remote.getClass().getName().startsWith("org.glassfish.tyrus.")) {
            return false;
        }
        Object webSocket = field(remote, "webSocket");
        Object protocolHandler = field(webSocket, "protocolHandler");
        Object writer = field(protocolHandler, "writer");
        if (writer == null || !writer.getClass().getName().equals("org.glassfish.tyrus.servlet.TyrusServletWriter")) {
            return false;
        }
        Object upgradeHandler = field(writer, "tyrusHttpUpgradeHandler");
        Object webConnection = field(upgradeHandler, "wc");
        Object request = field(webConnection, "request");
        if (request == null) {
            return true; // the upgraded request is finished already: the connection is closed
        }
        Object grizzlyRequest = call(request, "getCoyoteRequest");
        Object packet = call(grizzlyRequest, "getRequest");
        Object connection = call(packet, "getConnection");
        call(connection, "terminateSilently");
        return true;
    }

    private static boolean abortUndertow(Session session) throws ReflectiveOperationException {
        if (!session.getClass().getName().startsWith("io.undertow.")) {
            return false;
        }
        Object channel = call(session, "getWebSocketChannel");
        call(channel, "close");
        return true;
    }

    private static Object field(Object target, String name) throws ReflectiveOperationException {
        for (Class<?> type = target.getClass(); type != null; type = type.getSuperclass()) {
            try {
                Field field = type.getDeclaredField(name);
                field.setAccessible(true);
                return field.get(target);
            } catch (NoSuchFieldException e) {
                // look in the superclass
            }
        }
        throw new NoSuchFieldException(target.getClass().getName() + "." + name);
    }

    private static Object call(Object target, String name) throws ReflectiveOperationException {
        for (Class<?> type = target.getClass(); type != null; type = type.getSuperclass()) {
            try {
                Method method = type.getDeclaredMethod(name);
                method.setAccessible(true);
                return method.invoke(target);
            } catch (NoSuchMethodException e) {
                // look in the superclass
            }
        }
        for (Class<?> type : target.getClass().getInterfaces()) {
            try {
                return type.getMethod(name).invoke(target);
            } catch (NoSuchMethodException e) {
                // try the next interface
            }
        }
        throw new NoSuchMethodException(target.getClass().getName() + "." + name + "()");
    }
}
