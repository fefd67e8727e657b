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
    void shouldAcceptEveryDurabilityMode_andRefuseAnUnknownOne() {
        Settings s = defaults();
        s.durability = "replicated";
        assertThat(SettingsCheck.problems(s)).isEmpty();
        s.durability = "persistent";
        s.storeUrl = Optional.of("jdbc:postgresql://127.0.0.1:5432/flowcast");
        assertThat(SettingsCheck.problems(s)).isEmpty();
        s.durability = "bogus";
        assertThat(SettingsCheck.problems(s)).singleElement().asString().contains("must be one of");
    }

    @Test
    void persistentWithoutAStoreUrl_refusesToStart_andSaysWhichKey() {
        Settings s = defaults();
        s.durability = "persistent";
        assertThat(SettingsCheck.problems(s)).singleElement().asString().contains("flowcast.store.url");
        s.storeUrl = Optional.of("jdbc:mysql://db/flowcast");
        assertThat(SettingsCheck.problems(s)).singleElement().asString().contains("PostgreSQL");
    }

    @Test
    void anH2Store_servesOneNodeOnly() {
        Settings s = defaults();
        s.durability = "persistent";
        s.storeUrl = Optional.of("jdbc:h2:file:/tmp/flowcast");
        assertThat(SettingsCheck.problems(s)).isEmpty();
        s.clusterMembers = Optional.of("127.0.0.1");
        assertThat(SettingsCheck.problems(s)).singleElement().asString().contains("one node only");
    }

    @Test
    void membersAndClientTogether_areRefused() {
        Settings s = defaults();
        s.clusterMembers = Optional.of("127.0.0.1");
        s.clusterClient = Optional.of("127.0.0.1:5701");
        assertThat(SettingsCheck.problems(s)).singleElement().asString().contains("not both");
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
        s.storePassword = Optional.of("store-secret-value");
        s.storeUrl = Optional.of("jdbc:postgresql://db/flowcast?password=url-secret-value");
        assertThat(s.toString()).doesNotContain("pk-secret-value", "auth-secret-value", "admin-secret-value",
                        "store-secret-value", "url-secret-value")
                .contains("publishKey=set");
    }
}
