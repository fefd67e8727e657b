package dev.flowcast.health;

import dev.flowcast.Lifecycle;
import dev.flowcast.cluster.HazelcastNode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
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
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("members", (long) hazelcast.memberCount());
        String problem = lifecycle.clusterProblem();
        if (problem != null) {
            data.put("problem", problem); // a member of the external cluster without this build's Flowcast code
        }
        return new CheckResult(NAME, lifecycle.isReady(), data);
    }
}
