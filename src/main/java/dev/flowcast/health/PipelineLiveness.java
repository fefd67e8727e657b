package dev.flowcast.health;

import dev.flowcast.config.Settings;
import dev.flowcast.delivery.Delivery;
import dev.flowcast.ingest.Ingest;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;

/**
 * Live = no stage is stalled (see {@link StallCheck}): a stage with queued work and no progress for
 * {@code flowcast.health.stall-seconds} is reported DOWN, named in the data, so an orchestrator restarts a node
 * whose pipeline is stuck instead of one that is merely busy or idle.
 *
 * <p>Before the pipeline starts (and after it drained) there is nothing to be stuck: UP. Threading: called by the
 * health endpoint on request threads; reads stage stats only.
 */
@Liveness
@ApplicationScoped
public class PipelineLiveness implements HealthCheck {

    @Inject
    Settings settings;

    @Inject
    Ingest ingest;

    @Inject
    Delivery delivery;

    private StallCheck check;

    @PostConstruct
    void init() {
        check = new StallCheck(Duration.ofSeconds(settings.healthStallSeconds()));
    }

    @Override
    public HealthCheckResponse call() {
        List<StallCheck.Stall> stalls = check.stalls(Arrays.asList(ingest.stage(), delivery.stage()));
        HealthCheckResponseBuilder response = HealthCheckResponse.named("flowcast-stages")
                .status(stalls.isEmpty())
                .withData("stallSeconds", check.threshold().toSeconds());
        if (!stalls.isEmpty()) {
            response.withData("stalled", String.join(",", stalls.stream().map(StallCheck.Stall::stage).toList()));
        }
        for (StallCheck.Stall stall : stalls) {
            response.withData(stall.stage() + ".sinceLastProgressMs", stall.sinceLastProgress().toMillis())
                    .withData(stall.stage() + ".depth", stall.depth())
                    .withData(stall.stage() + ".inFlight", stall.inFlight());
        }
        return response.build();
    }
}
