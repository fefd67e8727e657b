package dev.flowcast.demo;

import dev.flowcast.config.Settings;
import dev.flowcast.ingest.Ingest;
import dev.flowcast.ingest.PublishError;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Publishes the demo feed ({@code flowcast.demo.enabled}) through the same Java entry point as any producer,
 * at {@code flowcast.demo.rate} events per second.
 *
 * <p>Threading: {@link #start}/{@link #stop} by the lifecycle; the ticks run one at a time on the scheduler.
 */
@ApplicationScoped
public class DemoFeed {

    private static final Logger LOG = Logger.getLogger(DemoFeed.class.getName());

    @Inject
    Settings settings;

    @Inject
    Ingest ingest;

    private ScheduledFuture<?> task;

    public synchronized void start(ManagedScheduledExecutorService scheduler) {
        if (task != null) {
            return;
        }
        DemoData data = new DemoData(System.nanoTime());
        long periodMicros = Math.max(1_000, 1_000_000L / settings.demoRatePerSecond());
        task = scheduler.scheduleAtFixedRate(() -> tick(data), 0, periodMicros, TimeUnit.MICROSECONDS);
        LOG.info(() -> "demo feed on: public:demo.* at " + settings.demoRatePerSecond() + " events/s");
    }

    public synchronized void stop() {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }

    private void tick(DemoData data) {
        String[] next = data.next();
        try {
            ingest.publish(next[0], next[1]);
        } catch (PublishError e) {
            // A full queue or a shutdown: the demo skips a tick, as any polite producer would.
            LOG.log(Level.FINE, "demo event refused: " + e.getMessage());
        } catch (RuntimeException e) {
            // Never let an exception cancel the periodic task silently.
            LOG.log(Level.WARNING, "demo tick failed", e);
        }
    }
}
