package dev.flowcast.delivery;

import static dev.flowcast.delivery.ContainerInternals.field;

import jakarta.websocket.RemoteEndpoint;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.glassfish.tyrus.spi.CompletionHandler;
import org.glassfish.tyrus.spi.Writer;

/**
 * Writes ready-made WebSocket frames ({@link Chunk#wireFrame}) straight to a Tyrus connection's writer, so a chunk
 * queued to a thousand subscribers is encoded once, not a thousand times.
 *
 * <p>Why: every {@code sendText} makes Tyrus encode the message for that one client — a new UTF-8 encoder, a byte
 * array three times the text, the JDK's general encoding loop, then a trimming copy — 3–15 % of the server's CPU at
 * the maximum-rate benchmark, and nearly all of it in runs where clients fell behind and messages grew
 * (docs/benchmarks.md, "Fifth pass"). The frame a chunk becomes is the same for every client (server frames are
 * not masked), so Flowcast builds it once ({@link WireFrames}) and hands the bytes to the {@code Writer} under
 * Tyrus' protocol handler — where Tyrus' own {@code sendText} ends up after framing. The writer serialises its
 * callers, so these frames never interleave with the pings, pongs and close frames Tyrus writes itself.
 *
 * <p>What it skips of {@code sendText}: the connected check (done here too), the fragment check (Flowcast never
 * sends fragments), extensions (none is configured, and an uncompressed message is always allowed), and Tyrus'
 * per-frame monitoring hook (off). Found by reflection ({@code asyncRemote.webSocket.protocolHandler.writer}, as
 * {@link SocketAborter} does); any other server, or a Tyrus that looks different, gets {@code null} and the portable
 * text send.
 *
 * <p>Thread-safe: the writer is; {@link #write} may be called from any thread.
 */
final class RawFrameWriter {

    private static final Logger LOG = Logger.getLogger(RawFrameWriter.class.getName());
    /** Which way messages leave is said once per server run (BundleIT reads it). */
    private static final AtomicBoolean TOLD = new AtomicBoolean();

    private final Writer writer;
    private final MethodHandle isConnected;
    /** {@code TyrusWebSocket.state}, to mark the connection closing when Flowcast sends the close frame; or null. */
    private final AtomicReference<Object> state;
    private final Object connectedState;
    private final Object closingState;

    private RawFrameWriter(Writer writer, MethodHandle isConnected, AtomicReference<Object> state,
            Object connectedState, Object closingState) {
        this.writer = writer;
        this.isConnected = isConnected;
        this.state = state;
        this.connectedState = connectedState;
        this.closingState = closingState;
    }

    /**
     * The raw writer under a Tyrus remote, or null when its inside looks different. Call only with a Tyrus remote:
     * loading this class elsewhere fails to link ({@link SessionFrameSink} checks first).
     */
    static RawFrameWriter of(RemoteEndpoint.Async remote) {
        try {
            Object webSocket = field(remote, "webSocket");
            Object protocolHandler = field(webSocket, "protocolHandler");
            if (!(field(protocolHandler, "writer") instanceof Writer writer)) {
                return null; // not wired yet, or another Tyrus: the text path
            }
            MethodHandle connected = MethodHandles.publicLookup()
                    .findVirtual(webSocket.getClass(), "isConnected", MethodType.methodType(boolean.class))
                    .bindTo(webSocket);
            if (TOLD.compareAndSet(false, true)) {
                LOG.info("WebSocket messages leave as frames encoded once per chunk, written to Tyrus' "
                        + writer.getClass().getSimpleName());
            }
            Object state;
            try {
                state = field(webSocket, "state");
            } catch (ReflectiveOperationException e) {
                state = null; // frames yes, closes through the session
            }
            return withState(writer, connected, state);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // LinkageError: the server's Tyrus SPI is not visible to the application, or is not the one compiled for
            if (TOLD.compareAndSet(false, true)) {
                LOG.log(Level.WARNING, "this Tyrus (" + remote.getClass().getName() + ") does not let Flowcast write "
                        + "ready-made frames: every message is encoded again for each client, which costs CPU", e);
            }
            return null;
        }
    }

    /**
     * Starts writing {@code frame} (a whole WebSocket frame); {@code done} is called exactly once, with null when
     * the bytes went to the socket or with the failure, on this thread or on the container's once the socket drains.
     * The array is never modified, and must not be by the caller either: the container may queue it as it is.
     */
    void write(byte[] frame, Consumer<Throwable> done) {
        if (!connected()) {
            done.accept(new IllegalStateException("the WebSocket is not connected"));
            return;
        }
        writer.write(ByteBuffer.wrap(frame), new Completion(done));
    }

    /**
     * Starts the close handshake: marks Tyrus' side of the connection closing, then writes the close frame behind
     * everything already written. Tyrus keeps reading; when the client's close frame arrives it finds its side
     * closing, so it does not answer with a second close frame (browsers fail a connection that receives a frame
     * after the close: 1006), calls the endpoint's {@code onClose} and closes the TCP connection, its input drained.
     *
     * @return false when Tyrus' state could not be reached: the caller closes the session instead. True also when
     *         the connection was already closing (nothing to do).
     */
    boolean close(int code, String reason) {
        if (state == null) {
            return false;
        }
        if (state.compareAndSet(connectedState, closingState)) {
            write(WireFrames.close(code, reason), failure -> {
                // nothing to do: a socket that cannot take the close frame is aborted at the housekeeping's deadline
            });
        }
        return true;
    }

    /**
     * For a close started by {@link #close} that the client never answered: puts Tyrus' side back to connected, so
     * that {@code Session.close} (which the caller then calls) ends the session the usual way, with the endpoint's
     * {@code onClose}. Without it nothing would ever end the session. Returns whether it did.
     */
    boolean reopenForSessionClose() {
        return state != null && state.compareAndSet(closingState, connectedState);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static RawFrameWriter withState(Writer writer, MethodHandle connected, Object stateField) {
        if (stateField instanceof AtomicReference<?> reference && reference.get() instanceof Enum<?> current) {
            try {
                Class<? extends Enum> type = current.getDeclaringClass();
                Object connectedState = Enum.valueOf(type, "CONNECTED");
                Object closingState = Enum.valueOf(type, "CLOSING");
                return new RawFrameWriter(writer, connected, (AtomicReference<Object>) reference, connectedState,
                        closingState);
            } catch (IllegalArgumentException e) {
                // another Tyrus: frames yes, closes through the session
            }
        }
        return new RawFrameWriter(writer, connected, null, null, null);
    }

    private boolean connected() {
        try {
            return (boolean) isConnected.invokeExact();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable checked) {
            throw new IllegalStateException(checked);
        }
    }

    /** Tyrus calls exactly one of these, once; each hands the outcome to the outbox. */
    private static final class Completion extends CompletionHandler<ByteBuffer> {

        private final Consumer<Throwable> done;

        Completion(Consumer<Throwable> done) {
            this.done = done;
        }

        @Override
        public void completed(ByteBuffer result) {
            done.accept(null);
        }

        @Override
        public void failed(Throwable throwable) {
            done.accept(throwable);
        }

        @Override
        public void cancelled() {
            done.accept(new CancellationException("the container cancelled the write"));
        }
    }
}
