package dev.flowcast.delivery;

import jakarta.websocket.Session;
import java.lang.reflect.Field;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Moves a Tyrus session's idle-timeout timer off the container's managed scheduled executor onto one plain
 * scheduler thread of Flowcast's own.
 *
 * <p>Why: the Tyrus in Payara 6 re-arms the session's idle-timeout task on every frame it receives and every ping it
 * sends, even with the timeout off ({@code setMaxIdleTimeout(0)}, as Flowcast sets it: the task then does nothing),
 * and each re-arm on the managed executor captures the container's context, which scans the class path with a
 * {@code ServiceLoader}. With 5 000 connections answering pings that was 12 % of the server's CPU, and running the
 * empty tasks another 7 % (docs/profiles/private5k-idle-timer.txt). On a plain {@link ScheduledThreadPoolExecutor}
 * a re-arm is a queue insert. ({@link TextSender} already keeps messages off that path; this covers the rest.)
 *
 * <p>The scheduler only ever runs Tyrus' idle-timeout command, which closes the session when a timeout is set and
 * has passed, and does nothing otherwise: no application code, so no container context is needed. Any other server,
 * or a Tyrus without that field, is left as it is.
 *
 * <p>Threading: {@link #install} from any thread, before the session's first frames (at open); the scheduler is
 * thread-safe.
 */
final class TyrusIdleTimer {

    private static final Logger LOG = Logger.getLogger(TyrusIdleTimer.class.getName());
    private static final String TYRUS_SESSION = "org.glassfish.tyrus.core.TyrusSession";
    private static final String FIELD = "service";

    private final ScheduledThreadPoolExecutor timer;
    private volatile boolean warned;

    /** @param threads the container's thread factory; the one thread is made once */
    TyrusIdleTimer(ThreadFactory threads) {
        timer = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = threads.newThread(task);
            if (thread == null) {
                throw new IllegalStateException("the thread factory gave no thread for the idle timer");
            }
            thread.setName("flowcast-idle-timer");
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true); // re-armed on every frame: cancelled tasks must not pile up
        // after stop(), a closing session may still re-arm: discard it (the returned future just never runs)
        timer.setRejectedExecutionHandler(new ScheduledThreadPoolExecutor.DiscardPolicy());
    }

    /** Gives a Tyrus session this scheduler; true when it did. */
    boolean install(Session session) {
        return installOn(session);
    }

    /** {@link #install}, for any object (tests stand in for Tyrus' session class). */
    boolean installOn(Object session) {
        Field field = serviceField(session.getClass());
        if (field == null) {
            return false;
        }
        try {
            field.set(session, timer);
            return true;
        } catch (IllegalAccessException | RuntimeException e) {
            if (!warned) {
                warned = true;
                LOG.log(Level.INFO, "Tyrus sessions keep the container's idle-timeout scheduler", e);
            }
            return false;
        }
    }

    void stop() {
        timer.shutdownNow();
    }

    /** The session class' scheduler field, made accessible; null when it is not a Tyrus session as we know it. */
    private static Field serviceField(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (TYRUS_SESSION.equals(c.getName())) {
                return FieldHolder.of(c);
            }
        }
        return null;
    }

    /** The field, looked up once (Tyrus' class is the same for every session of a deployment). */
    private static final class FieldHolder {
        private static volatile Field field;
        private static volatile boolean missing;

        static Field of(Class<?> tyrusSession) {
            Field found = field;
            if (found != null || missing) {
                return found;
            }
            try {
                Field candidate = tyrusSession.getDeclaredField(FIELD);
                if (!ScheduledExecutorService.class.equals(candidate.getType())) {
                    missing = true;
                    return null;
                }
                candidate.setAccessible(true);
                field = candidate;
                return candidate;
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.log(Level.FINE, "no idle-timeout scheduler field in " + tyrusSession.getName(), e);
                missing = true;
                return null;
            }
        }
    }
}
