package dev.flowcast.delivery;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends one text message asynchronously: the JSR-356 async remote, or on Tyrus the WebSocket under it.
 *
 * <p>Why not always the remote: Tyrus' {@code RemoteEndpoint.Async.sendText} restarts the session's idle timeout on
 * every send, and the Tyrus in Payara 6 does so even when the timeout is off ({@code setMaxIdleTimeout(0)}, as
 * Flowcast sets it: liveness is its own pings) by scheduling a task with no delay on the container's managed
 * scheduled executor — one managed task, with its context set-up, per message sent. Profiled at 100 k
 * deliveries/s that was a quarter of the server's CPU (docs/benchmarks.md, "Idle-timeout task per send"). The
 * remote's only other work is a null check before it calls {@code TyrusWebSocket.sendText(String, SendHandler)},
 * a public method, which this calls directly. Any other server, or a Tyrus that looks different, gets the remote.
 *
 * <p>Thread-safe; stateless once made.
 */
@FunctionalInterface
interface TextSender {

    void sendText(String text, SendHandler done);

    /** The cheapest sender for this remote; found once per connection, at its first send. */
    static TextSender of(RemoteEndpoint.Async remote) {
        TextSender direct = TyrusDirect.senderFor(remote);
        return direct != null ? direct : remote::sendText;
    }

    /** The Tyrus shortcut, looked up by reflection: Flowcast does not compile against any container. */
    final class TyrusDirect {

        private static final Logger LOG = Logger.getLogger(TyrusDirect.class.getName());
        private static final MethodType SEND_TEXT = MethodType.methodType(void.class, String.class, SendHandler.class);

        private TyrusDirect() {
        }

        static TextSender senderFor(RemoteEndpoint.Async remote) {
            if (!remote.getClass().getName().startsWith("org.glassfish.tyrus.")) {
                return null;
            }
            try {
                Field field = remote.getClass().getSuperclass().getDeclaredField("webSocket");
                field.setAccessible(true);
                Object webSocket = field.get(remote);
                MethodHandle send = MethodHandles.publicLookup()
                        .findVirtual(webSocket.getClass(), "sendText", SEND_TEXT)
                        .bindTo(webSocket);
                return (text, done) -> {
                    try {
                        send.invokeExact(text, done);
                    } catch (RuntimeException | Error e) {
                        throw e;
                    } catch (Throwable checked) {
                        throw new IllegalStateException(checked);
                    }
                };
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.log(Level.FINE, "no direct Tyrus send for " + remote.getClass().getName()
                        + "; using the async remote", e);
                return null;
            }
        }
    }
}
