package dev.flowcast.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * {@link PipelineReadiness} in the server's MicroProfile Health ({@code /health/ready} on Payara). Where the server
 * has no MicroProfile Health, CDI skips this class (its interface cannot be loaded) and {@link HealthServlet} serves
 * the check. Threading: called by the health endpoint on request threads.
 */
@Readiness
@ApplicationScoped
public class MicroProfileReadiness implements HealthCheck {

    @Inject
    PipelineReadiness readiness;

    @Override
    public HealthCheckResponse call() {
        return MicroProfileLiveness.response(readiness.check());
    }
}
