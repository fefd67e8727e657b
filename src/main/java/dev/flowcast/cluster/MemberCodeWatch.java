package dev.flowcast.cluster;

import com.hazelcast.core.HazelcastInstance;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Probes a client node's external cluster again every {@link #PERIOD} ({@link MemberCodeCheck}), for the members that
 * came after the start: an operator who scales the cluster with a stock member (no {@code flowcast-classes.jar}), or
 * with another build's, gives it partitions whose topic logs it cannot run, or runs by other rules. While such a
 * member is there, {@link #problem()} says what is wrong and what to do: the node is not ready and refuses
 * publishes (503), rather than answering {@code 202} to events that member's partitions would lose, and says so in
 * its log once; it is ready again after the first probe that finds every member right.
 *
 * <p>A probe that cannot run (the node is cut off, a call timed out) changes nothing: readiness already says when
 * the cluster is out of reach. Threading: probes on the scheduler's thread, one at a time; {@link #problem()} from
 * any thread.
 */
public final class MemberCodeWatch {

    /** Between two probes: a joined member owns partitions within seconds; 271 small calls each time. */
    static final Duration PERIOD = Duration.ofSeconds(15);

    private static final Logger LOG = Logger.getLogger(MemberCodeWatch.class.getName());

    private final HazelcastInstance client;
    private final String clusterName;
    private final BooleanSupplier connected;
    private volatile String problem;
    private ScheduledFuture<?> probing;

    public MemberCodeWatch(HazelcastInstance client, String clusterName, BooleanSupplier connected) {
        this.client = client;
        this.clusterName = clusterName;
        this.connected = connected;
    }

    public MemberCodeWatch start(ScheduledExecutorService scheduler) {
        probing = scheduler.scheduleWithFixedDelay(this::probe, PERIOD.toMillis(), PERIOD.toMillis(),
                TimeUnit.MILLISECONDS);
        return this;
    }

    /** What is wrong with a member's Flowcast code, and what to do; null while every member is right. */
    public String problem() {
        return problem;
    }

    /** One probe of every partition's owner; on the scheduler's thread (tests call it directly). */
    void probe() {
        if (!connected.getAsBoolean()) {
            return;
        }
        MemberCodeCheck.Problem found;
        try {
            found = MemberCodeCheck.problem(client, clusterName);
        } catch (RuntimeException unreachable) {
            LOG.log(Level.FINE, "member code probe did not run", unreachable);
            return;
        }
        String before = problem;
        String now = found == null ? null : found.description();
        problem = now;
        if (now != null && !Objects.equals(before, now)) {
            LOG.log(Level.SEVERE, "this node refuses publishes and is not ready: " + now, found.cause());
        } else if (now == null && before != null) {
            LOG.info("every member of Hazelcast cluster '" + clusterName + "' runs this build's Flowcast classes"
                    + " again: this node is ready");
        }
    }

    public void stop() {
        if (probing != null) {
            probing.cancel(false);
        }
    }
}
