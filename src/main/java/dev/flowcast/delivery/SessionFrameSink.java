package dev.flowcast.delivery;

import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes an outbox's messages to a JSR-356 session with the async API, and pings, closes and aborts it.
 *
 * <p>Threading: {@link #sendAsync} is called by the connection's writer thread, one send in flight at a time;
 * {@link #ping}, {@link #close} and {@link #abort} by whichever thread decides so. None of them blocks on a socket
 * that does not drain: Tyrus queues every frame on the connection's non-blocking writer.
 */
final class SessionFrameSink implements FrameSink {

    private static final Logger LOG = Logger.getLogger(SessionFrameSink.class.getName());
    private static final ByteBuffer NO_PAYLOAD = ByteBuffer.allocate(0);

    private final Session session;
    /** Taken once: cheaper than a look-up per send. */
    private final RemoteEndpoint.Async remote;
    private final SocketAborter aborter;
    /**
     * Drops the TCP connection; looked up at the first send, while the session is open and fully wired (at
     * {@code @OnOpen} Tyrus has not attached its writer yet), see {@link SocketAborter}. Written once; a race only
     * looks it up twice.
     */
    private volatile Runnable abort;
    /** How messages go out ({@link TextSender}); looked up with {@link #abort}, at the first send. */
    private volatile TextSender sender;

    SessionFrameSink(Session session, SocketAborter aborter) {
        this.session = session;
        this.remote = session.getAsyncRemote();
        this.aborter = aborter;
    }

    @Override
    public void sendAsync(String message, Consumer<Throwable> done) {
        TextSender text = sender;
        if (text == null) {
            abort = aborter.handleFor(session, remote);
            sender = text = TextSender.of(remote);
        }
        // Writer threads run with an isolated context class loader (OutboxWriters); a send from any other thread
        // borrows it for the call, for the same reason.
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        if (previous != OutboxWriters.ISOLATED) {
            thread.setContextClassLoader(OutboxWriters.ISOLATED);
        }
        try {
            text.sendText(message, result -> done.accept(result.isOK() ? null : result.getException()));
        } catch (RuntimeException e) {
            done.accept(e);
        } finally {
            if (previous != OutboxWriters.ISOLATED) {
                thread.setContextClassLoader(previous);
            }
        }
    }

    @Override
    public void ping() {
        try {
            if (session.isOpen()) {
                remote.sendPing(NO_PAYLOAD.duplicate());
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "ping of session " + session.getId() + " failed; the socket is gone", e);
        }
    }

    /**
     * Closes on the calling thread. Tyrus queues the close frame on the connection's non-blocking write queue,
     * so a stuck socket does not block the caller. (Handing the close to a managed executor lost it at
     * shutdown: the executor stops with the server, the JVM exited, and clients saw 1006 instead of 1001.)
     */
    @Override
    public void close(int code, String reason) {
        try {
            if (session.isOpen()) {
                session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "close of session " + session.getId() + " failed; the socket is gone", e);
        }
    }

    @Override
    public void abort() {
        Runnable handle = abort;
        if (handle == null) {
            handle = aborter.handleFor(session, remote); // never sent anything: a late look-up, best effort
        }
        handle.run();
    }
}
