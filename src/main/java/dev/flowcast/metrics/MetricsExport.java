package dev.flowcast.metrics;

/**
 * Something that copies {@link FlowcastMetrics} into a server's metrics system. The stats tick calls
 * {@link #sync()} once a second, so the hot path never touches the server's API.
 *
 * <p>An implementation that needs a server API lives in a class of its own: where the API is missing, CDI skips that
 * class and the WAR still deploys. Threading: called by the one stats tick; implementations need not be reentrant.
 */
public interface MetricsExport {

    /** Brings the server's metrics up to date with the application's counters, histogram and gauges. */
    void sync();
}
