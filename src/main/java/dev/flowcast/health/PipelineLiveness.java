package dev.flowcast.health;

import dev.flowcast.config.Settings;
import dev.flowcast.delivery.Delivery;
import dev.flowcast.ingest.Ingest;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Live = no stage is stalled (see {@link StallCheck}): a stage with queued work and no progress for
 * {@code flowcast.health.stall-seconds} is reported DOWN, named in the data, so an orchestrator restarts a node
 * whose pipeline is stuck instead of one that is merely busy or idle. A client node holding {@code memory} events
 * while cut off from its cluster is not stuck ({@link Ingest#stageToWatchForStalls}).
 *
 * <p>Before the pipeline starts (and after it drained) there is nothing to be stuck: UP. Served by
 * {@link MicroProfileLiveness} or {@link HealthServlet}. Threading: called on request threads; reads stage stats
 * only.
 */
@ApplicationScoped
public class PipelineLiveness {

    /** The check's name in the health report. */
    public static final String NAME = "flowcast-stages";

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

    public CheckResult check() {
        List<StallCheck.Stall> stalls = check.stalls(Arrays.asList(ingest.stageToWatchForStalls(), delivery.stage()));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("stallSeconds", check.threshold().toSeconds());
        long held = ingest.heldEvents();
        if (held > 0) {
            data.put("ingest.heldWhileCutOff", held); // not a stall: readiness is DOWN, the node waits for its cluster
        }
        if (!stalls.isEmpty()) {
            data.put("stalled", String.join(",", stalls.stream().map(StallCheck.Stall::stage).toList()));
        }
        for (StallCheck.Stall stall : stalls) {
            data.put(stall.stage() + ".sinceLastProgressMs", stall.sinceLastProgress().toMillis());
            data.put(stall.stage() + ".depth", (long) stall.depth());
            data.put(stall.stage() + ".inFlight", (long) stall.inFlight());
        }
        return new CheckResult(NAME, stalls.isEmpty(), data);
    }
}
