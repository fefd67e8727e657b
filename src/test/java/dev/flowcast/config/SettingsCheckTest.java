package dev.flowcast.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class SettingsCheckTest {

    static Settings defaults() {
        return TestSettings.defaults();
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
