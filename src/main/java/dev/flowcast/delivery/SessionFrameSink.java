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
    /** Set once {@link RawFrameWriter} turned out not to link here; a race only tries twice. */
    private static volatile boolean rawUnavailable;

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
    /** Ready-made frames go out here when the server is Tyrus ({@link RawFrameWriter}); else null. Same look-up. */
    private volatile RawFrameWriter raw;

    SessionFrameSink(Session session, SocketAborter aborter) {
        this.session = session;
        this.remote = session.getAsyncRemote();
        this.aborter = aborter;
    }

    @Override
    public void sendAsync(String message, Consumer<Throwable> done) {
        TextSender text = lookUpSenders();
        ClassLoader previous = isolateContextLoader();
        try {
            text.sendText(message, result -> done.accept(result.isOK() ? null : result.getException()));
        } catch (RuntimeException e) {
            done.accept(e);
        } finally {
            restoreContextLoader(previous);
        }
    }

    /** On Tyrus, the chunks' ready-made frames (one copy when several leave together); elsewhere the joined text. */
    @Override
    public void sendAsync(Chunk[] chunks, int count, Consumer<Throwable> done) {
        lookUpSenders();
        RawFrameWriter frames = raw;
        if (frames == null) {
            FrameSink.super.sendAsync(chunks, count, done);
            return;
        }
        ClassLoader previous = isolateContextLoader();
        try {
            frames.write(WireFrames.joined(chunks, count), done);
        } catch (RuntimeException e) {
            done.accept(e);
        } finally {
            restoreContextLoader(previous);
        }
    }

    /** At the first send, while the session is open and wired, finds how to write and abort; returns the sender. */
    private TextSender lookUpSenders() {
        TextSender text = sender;
        if (text == null) {
            abort = aborter.handleFor(session, remote);
            raw = rawWriterFor(remote);
            sender = text = TextSender.of(remote);
        }
        return text;
    }

    /**
     * The raw writer on Tyrus, else null. {@link RawFrameWriter} links against Tyrus' SPI, so it is not even loaded
     * on another server; if the SPI is not visible to the application, the text path it is, said once.
     */
    private static RawFrameWriter rawWriterFor(RemoteEndpoint.Async remote) {
        if (rawUnavailable || !remote.getClass().getName().startsWith("org.glassfish.tyrus.")) {
            return null;
        }
        try {
            return RawFrameWriter.of(remote);
        } catch (LinkageError e) {
            rawUnavailable = true;
            LOG.log(Level.WARNING, "Tyrus' writer SPI is not visible to Flowcast: every message is encoded again for "
                    + "each client, which costs CPU", e);
            return null;
        }
    }

    /**
     * Writer threads run with an isolated context class loader (OutboxWriters); a send from any other thread
     * borrows it for the call, for the same reason. Returns the loader to restore.
     */
    private static ClassLoader isolateContextLoader() {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        if (previous != OutboxWriters.ISOLATED) {
            thread.setContextClassLoader(OutboxWriters.ISOLATED);
        }
        return previous;
    }

    private static void restoreContextLoader(ClassLoader previous) {
        if (previous != OutboxWriters.ISOLATED) {
            Thread.currentThread().setContextClassLoader(previous);
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
     * On Tyrus, writes the close frame itself, behind every frame already written, and leaves the connection open
     * until the client answers with its own close frame; Tyrus then ends the session (calling the endpoint's
     * {@code onClose}) and closes the TCP connection ({@link RawFrameWriter#close}). Why not {@code Session.close}:
     * Tyrus closes the TCP connection right after queueing its close frame, and a client that is still sending (a
     * flooder being closed for its rate) has unread bytes on the server's socket, so the kernel resets the
     * connection and the close frame and what was written before it are lost (HostileClientsIT's flooder saw a
     * reset instead of 1008). A client that never answers is dropped by the housekeeping's abort deadline
     * ({@link #abort}), as any close this side starts.
     *
     * <p>Elsewhere, {@code Session.close} on the calling thread: Tyrus queues the close frame on the connection's
     * non-blocking write queue, so a stuck socket does not block the caller. (Handing the close to a managed
     * executor lost it at shutdown: the executor stops with the server, the JVM exited, and clients saw 1006
     * instead of 1001.)
     */
    @Override
    public void close(int code, String reason) {
        if (!session.isOpen()) {
            return;
        }
        lookUpSenders();
        RawFrameWriter frames = raw;
        if (frames != null) {
            ClassLoader previous = isolateContextLoader();
            try {
                if (frames.close(code, reason)) {
                    return;
                }
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "close of session " + session.getId() + " failed; the socket is gone", e);
                return;
            } finally {
                restoreContextLoader(previous);
            }
        }
        closeSession(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
    }

    @Override
    public void abort() {
        RawFrameWriter frames = raw;
        if (frames != null && frames.reopenForSessionClose()) {
            // our close frame went unanswered: end the session through Tyrus (endpoint's onClose), then drop the socket
            closeSession(new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "close not answered"));
        }
        Runnable handle = abort;
        if (handle == null) {
            handle = aborter.handleFor(session, remote); // never sent anything: a late look-up, best effort
        }
        handle.run();
    }

    private void closeSession(CloseReason reason) {
        try {
            session.close(reason);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "close of session " + session.getId() + " failed; the socket is gone", e);
        }
    }
}
