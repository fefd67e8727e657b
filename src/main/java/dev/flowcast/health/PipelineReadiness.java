package dev.flowcast.health;

import dev.flowcast.Lifecycle;
import dev.flowcast.cluster.HazelcastNode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready = this node's Hazelcast member (or client) is up and the pipeline started (contract §4). It does not
 * wait for the other configured members.
 */
@Readiness
@ApplicationScoped
public class PipelineReadiness implements HealthCheck {

    @Inject
    Lifecycle lifecycle;

    @Inject
    HazelcastNode hazelcast;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("flowcast-pipeline")
                .status(lifecycle.isReady())
                .withData("members", hazelcast.memberCount())
                .build();
    }
}
