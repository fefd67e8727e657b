package dev.flowcast.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class SettingsCheckTest {

    /** Settings with the documented defaults, as CDI would inject them with nothing configured. */
    static Settings defaults() {
        Settings s = new Settings();
        s.publishKey = Optional.empty();
        s.authSecret = Optional.empty();
        s.publicTopics = "public:*";
        s.adminPassword = Optional.empty();
        s.clusterName = "flowcast";
        s.clusterPort = 5701;
        s.clusterMembers = Optional.empty();
        s.clusterClient = Optional.empty();
        s.durability = "memory";
        s.queueCapacity = 10000;
        s.queueOverflow = "reject";
        s.queueOfferTimeoutMs = 1000;
        s.stageWorkers = 0;
        s.eventMaxBytes = 65536;
        s.batchMaxBytes = 8388608;
        s.historySize = 1000;
        s.historyTtlSeconds = 300;
        s.clientMaxPending = 4096;
        s.clientMaxSubscriptions = 100;
        s.demoEnabled = false;
        s.demoRatePerSecond = 20;
        s.drainTimeoutMs = 5000;
        s.healthStallSeconds = 30;
        return s;
    }

    @Test
    void shouldAcceptTheDefaults() {
        assertThat(SettingsCheck.problems(defaults())).isEmpty();
    }

    @Test
    void shouldRefuseMaxPendingNotAboveHistorySize() {
        Settings s = defaults();
        s.clientMaxPending = 1000;
        assertThat(SettingsCheck.problems(s)).singleElement().asString().contains("flowcast.client.max-pending");
    }

    @Test
    void shouldRefuseAStallThresholdBelowOneSecond() {
        Settings s = defaults();
        s.healthStallSeconds = 0;
        assertThat(SettingsCheck.problems(s)).singleElement().asString().contains("flowcast.health.stall-seconds");
    }

    @Test
    void shouldRefuseAShortAuthSecret() {
        Settings s = defaults();
        s.authSecret = Optional.of("too-short");
        assertThat(SettingsCheck.problems(s)).singleElement().asString().contains("at least 32 bytes");
    }

    @Test
    void shouldRefuseAnUnknownOverflowPolicy() {
        Settings s = defaults();
        s.queueOverflow = "drop-everything";
        assertThat(SettingsCheck.problems(s)).singleElement().asString().contains("flowcast.queue.overflow");
    }

    @Test
    void shouldRefuseDurabilityModesThisBuildDoesNotImplement_insteadOfPretending() {
        Settings s = defaults();
        s.durability = "persistent";
        assertThat(SettingsCheck.problems(s)).singleElement().asString().contains("not implemented");
        s.durability = "bogus";
        assertThat(SettingsCheck.problems(s)).singleElement().asString().contains("must be one of");
    }

    @Test
    void shouldResolveWorkersToTheNumberOfCoresWhenUnset() {
        assertThat(defaults().stageWorkers()).isEqualTo(Runtime.getRuntime().availableProcessors());
    }

    @Test
    void shouldNeverPrintSecrets() {
        Settings s = defaults();
        s.publishKey = Optional.of("pk-secret-value");
        s.authSecret = Optional.of("auth-secret-value-0123456789-0123456789");
        s.adminPassword = Optional.of("admin-secret-value");
        assertThat(s.toString()).doesNotContain("pk-secret-value", "auth-secret-value", "admin-secret-value")
                .contains("publishKey=set");
    }
}
