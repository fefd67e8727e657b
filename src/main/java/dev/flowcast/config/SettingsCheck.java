package dev.flowcast.config;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Start-up checks of the settings: a node with a bad setting refuses to start and says which one.
 *
 * <p>Plain Java so it is unit-tested without a container. Stateless; any thread.
 */
public final class SettingsCheck {

    static final Set<String> KNOWN_DURABILITY = Set.of("memory", "replicated", "persistent");
    static final Set<String> OVERFLOW = Set.of("reject", "block", "drop-oldest", "drop-newest");
    static final int MIN_SECRET_BYTES = 32;

    private SettingsCheck() {
    }

    /** Every problem found, as sentences an operator can act on; empty when the settings are usable. */
    public static List<String> problems(Settings s) {
        List<String> problems = new ArrayList<>();
        if (!KNOWN_DURABILITY.contains(s.durability())) {
            problems.add("flowcast.durability must be one of memory, replicated, persistent (was '" + s.durability() + "')");
        } else if ("persistent".equals(s.durability())) {
            String url = s.storeUrl().orElse("");
            if (url.isEmpty()) {
                problems.add("flowcast.durability=persistent needs flowcast.store.url (jdbc:postgresql://… or jdbc:h2:file:…)");
            } else if (!url.startsWith("jdbc:postgresql:") && !url.startsWith("jdbc:h2:")) {
                problems.add("flowcast.store.url must be a PostgreSQL (jdbc:postgresql:…) or H2 (jdbc:h2:file:…) URL");
            } else if (url.startsWith("jdbc:h2:") && (!s.clusterMembers().isEmpty() || !s.clusterClient().isEmpty())) {
                problems.add("an H2 store (flowcast.store.url=jdbc:h2:…) serves one node only: use PostgreSQL for a cluster");
            }
        }
        if (!OVERFLOW.contains(s.queueOverflow())) {
            problems.add("flowcast.queue.overflow must be one of " + String.join(", ", List.of("reject", "block", "drop-oldest", "drop-newest"))
                    + " (was '" + s.queueOverflow() + "')");
        }
        positive(problems, "flowcast.queue.capacity", s.queueCapacity());
        positive(problems, "flowcast.stage.workers", s.stageWorkers());
        positive(problems, "flowcast.event.max-bytes", s.eventMaxBytes());
        positive(problems, "flowcast.batch.max-bytes", s.batchMaxBytes());
        positive(problems, "flowcast.history.size", s.historySize());
        positive(problems, "flowcast.history.ttl-seconds", s.historyTtlSeconds());
        positive(problems, "flowcast.client.max-subscriptions", s.clientMaxSubscriptions());
        positive(problems, "flowcast.client.max-pending-bytes", s.clientMaxPendingBytes());
        positive(problems, "flowcast.client.max-connections", s.clientMaxConnections());
        positive(problems, "flowcast.client.max-frames-per-second", s.clientMaxFramesPerSecond());
        positive(problems, "flowcast.client.ping-seconds", s.clientPingSeconds());
        positive(problems, "flowcast.demo.rate", s.demoRatePerSecond());
        positive(problems, "flowcast.health.stall-seconds", s.healthStallSecondsSetting());
        if (s.queueOfferTimeoutMs() < 0) {
            problems.add("flowcast.queue.offer-timeout-ms must be >= 0 (was " + s.queueOfferTimeoutMs() + ")");
        }
        if (s.clientMaxPending() <= s.historySize()) {
            problems.add("flowcast.client.max-pending (" + s.clientMaxPending() + ") must exceed flowcast.history.size ("
                    + s.historySize() + "): a full replay must fit in a client's outbox");
        }
        s.authSecret().ifPresent(secret -> {
            if (secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
                problems.add("flowcast.auth.secret must be at least " + MIN_SECRET_BYTES + " bytes for HS256");
            }
        });
        if (!s.clusterMembers().isEmpty() && !s.clusterClient().isEmpty()) {
            problems.add("set flowcast.cluster.members (embedded member) or flowcast.cluster.client (client of an "
                    + "external cluster), not both");
        }
        if (s.clusterPort() < 1 || s.clusterPort() > 65535) {
            problems.add("flowcast.cluster.port must be a TCP port (was " + s.clusterPort() + ")");
        }
        return problems;
    }

    private static void positive(List<String> problems, String key, long value) {
        if (value <= 0) {
            problems.add(key + " must be > 0 (was " + value + ")");
        }
    }
}
