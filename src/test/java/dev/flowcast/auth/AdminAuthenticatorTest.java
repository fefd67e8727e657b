package dev.flowcast.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AdminAuthenticatorTest {

    static final String PASSWORD = "authenticator-test-password";
    static final String ATTACKER = "198.51.100.7";
    static final String ADMIN = "192.0.2.1";

    final LoginThrottle throttle = new LoginThrottle(3, Duration.ofMinutes(5), Duration.ofMinutes(5), 100,
            java.time.Clock.systemUTC());
    final AdminAuthenticator admin = new AdminAuthenticator(new AdminCredentials(Optional.of(PASSWORD)), throttle);

    private static String basic(String password) {
        return "Basic " + Base64.getEncoder().encodeToString(("admin:" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldLetTheAdminIn_byFormOrBasic() {
        assertThat(admin.logIn("admin", PASSWORD, ADMIN)).isTrue();
        assertThat(admin.acceptsBasic(basic(PASSWORD), ADMIN)).isTrue();
        assertThat(admin.logIn("admin", "wrong", ADMIN)).isFalse();
        assertThat(admin.logIn(null, null, ADMIN)).isFalse();
    }

    @Test
    void formAndBasicFailuresCountTogether_andALockedOutClientIsRefusedTheRightPassword() {
        admin.logIn("admin", "guess-1", ATTACKER);
        admin.acceptsBasic(basic("guess-2"), ATTACKER);
        admin.logIn("admin", "guess-3", ATTACKER);

        assertThat(admin.lockedOutFor(ATTACKER)).isPositive();
        assertThat(admin.logIn("admin", PASSWORD, ATTACKER)).isFalse();
        assertThat(admin.acceptsBasic(basic(PASSWORD), ATTACKER)).isFalse();
        assertThat(admin.logIn("admin", PASSWORD, ADMIN)).as("another address").isTrue();
    }

    @Test
    void aHeaderOfAnotherScheme_isNoAttempt() {
        for (int i = 0; i < 5; i++) {
            assertThat(admin.acceptsBasic("Bearer " + PASSWORD, ATTACKER)).isFalse();
            assertThat(admin.acceptsBasic(null, ATTACKER)).isFalse();
        }
        assertThat(admin.lockedOutFor(ATTACKER)).isZero();
    }

    @Test
    void whenNoPasswordIsSet_everyLoginIsRefused() {
        AdminAuthenticator unset = new AdminAuthenticator(new AdminCredentials(Optional.empty()), new LoginThrottle());
        assertThat(unset.logIn("admin", "", ADMIN)).isFalse();
        assertThat(unset.logIn("admin", "admin", ADMIN)).isFalse();
        assertThat(unset.acceptsBasic(basic(""), ADMIN)).isFalse();
    }
}
