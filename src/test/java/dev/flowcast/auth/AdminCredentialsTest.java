package dev.flowcast.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AdminCredentialsTest {

    static final String PASSWORD = "it-admin-password";
    final AdminCredentials admin = new AdminCredentials(Optional.of(PASSWORD));

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldAcceptOnlyTheAdminWithTheConfiguredPassword() {
        assertThat(admin.matches("admin", PASSWORD)).isTrue();
        assertThat(admin.matches("admin", "wrong")).isFalse();
        assertThat(admin.matches("root", PASSWORD)).isFalse();
        assertThat(admin.matches("Admin", PASSWORD)).isFalse();
        assertThat(admin.matches("admin", PASSWORD + " ")).isFalse();
        assertThat(admin.matches("admin", "")).isFalse();
        assertThat(admin.matches(null, PASSWORD)).isFalse();
        assertThat(admin.matches("admin", null)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void whenNoPasswordIsConfigured_thenEveryLoginIsRefused(String configured) {
        AdminCredentials unset = new AdminCredentials(configured.isEmpty() ? Optional.empty() : Optional.of(configured));
        assertThat(unset.isConfigured()).isFalse();
        assertThat(unset.matches("admin", "")).isFalse();
        assertThat(unset.matches("admin", configured)).isFalse();
        assertThat(unset.matches("admin", "admin")).isFalse();
        assertThat(unset.acceptsBasic(basic("admin", ""))).isFalse();
    }

    @Test
    void shouldAcceptHttpBasicForTheAdmin_inAnySchemeCase() {
        assertThat(admin.acceptsBasic(basic("admin", PASSWORD))).isTrue();
        assertThat(admin.acceptsBasic(basic("admin", PASSWORD).replace("Basic", "basic"))).isTrue();
    }

    @Test
    void shouldRefuseHttpBasicWithWrongOrMalformedCredentials() {
        assertThat(admin.acceptsBasic(basic("admin", "wrong"))).isFalse();
        assertThat(admin.acceptsBasic(basic("other", PASSWORD))).isFalse();
        assertThat(admin.acceptsBasic("Basic !!!not-base64")).isFalse();
        assertThat(admin.acceptsBasic("Basic " + Base64.getEncoder().encodeToString("admin".getBytes()))).isFalse();
        assertThat(admin.acceptsBasic("Bearer " + PASSWORD)).isFalse();
        assertThat(admin.acceptsBasic("Basic")).isFalse();
        assertThat(admin.acceptsBasic(null)).isFalse();
    }

    @Test
    void shouldAcceptAPasswordThatContainsAColon() {
        AdminCredentials colon = new AdminCredentials(Optional.of("a:b:c"));
        assertThat(colon.acceptsBasic(basic("admin", "a:b:c"))).isTrue();
    }

    @Test
    void shouldNeverShowThePassword() {
        assertThat(admin.toString()).doesNotContain(PASSWORD);
    }
}
