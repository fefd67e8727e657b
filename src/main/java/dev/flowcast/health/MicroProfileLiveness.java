package dev.flowcast.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;

/**
 * {@link PipelineLiveness} in the server's MicroProfile Health ({@code /health/live} on Payara). Where the server has
 * no MicroProfile Health, CDI skips this class and {@link HealthServlet} serves the check. Threading: called by the
 * health endpoint on request threads.
 */
@Liveness
@ApplicationScoped
public class MicroProfileLiveness implements HealthCheck {

    @Inject
    PipelineLiveness liveness;

    @Override
    public HealthCheckResponse call() {
        return response(liveness.check());
    }

    static HealthCheckResponse response(CheckResult result) {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(result.name()).status(result.up());
        result.data().forEach((key, value) -> {
            if (value instanceof Boolean b) {
                response.withData(key, b);
            } else if (value instanceof Number n) {
                response.withData(key, n.longValue());
            } else {
                response.withData(key, String.valueOf(value));
            }
        });
        return response.build();
    }
}
