package dev.flowcast.health;

import dev.flowcast.Lifecycle;
import dev.flowcast.cluster.HazelcastNode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;

/**
 * Ready = this node's Hazelcast member (or client) is up and the pipeline started (contract §4). It does not
 * wait for the other configured members.
 *
 * <p>Served by {@link MicroProfileReadiness} or {@link HealthServlet}. Threading: called on request threads.
 */
@ApplicationScoped
public class PipelineReadiness {

    /** The check's name in the health report. */
    public static final String NAME = "flowcast-pipeline";

    @Inject
    Lifecycle lifecycle;

    @Inject
    HazelcastNode hazelcast;

    public CheckResult check() {
        return new CheckResult(NAME, lifecycle.isReady(), Map.of("members", (long) hazelcast.memberCount()));
    }
}
