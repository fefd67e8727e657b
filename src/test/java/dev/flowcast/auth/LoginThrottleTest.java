package dev.flowcast.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    static final String ATTACKER = "203.0.113.7";
    static final String ADMIN = "198.51.100.20";

    final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    final LoginThrottle throttle = new LoginThrottle(5, Duration.ofMinutes(5), Duration.ofMinutes(10), 100, clock);

    private void fail(String client, int times) {
        for (int i = 0; i < times; i++) {
            throttle.failed(client);
        }
    }

    @Test
    void whenAClientFailsFiveTimesInTheWindow_thenItIsLockedOutForTheLockout() {
        fail(ATTACKER, 4);
        assertThat(throttle.lockedOutFor(ATTACKER)).isZero();

        throttle.failed(ATTACKER);

        assertThat(throttle.lockedOutFor(ATTACKER)).isEqualTo(Duration.ofMinutes(10));
        clock.advance(Duration.ofMinutes(4));
        assertThat(throttle.lockedOutFor(ATTACKER)).isEqualTo(Duration.ofMinutes(6));
    }

    @Test
    void whenOneClientIsLockedOut_thenOtherClientsAreNot() {
        fail(ATTACKER, 5);

        assertThat(throttle.lockedOutFor(ATTACKER)).isPositive();
        assertThat(throttle.lockedOutFor(ADMIN)).isZero();
        assertThat(throttle.lockedOutFor("203.0.113.8")).isZero();
    }

    @Test
    void whenTheLockoutEnds_thenTheClientMayTryAgain_andStartsAFreshCount() {
        fail(ATTACKER, 5);
        clock.advance(Duration.ofMinutes(10));

        assertThat(throttle.lockedOutFor(ATTACKER)).isZero();
        fail(ATTACKER, 4);
        assertThat(throttle.lockedOutFor(ATTACKER)).as("four failures after the lockout").isZero();
        throttle.failed(ATTACKER);
        assertThat(throttle.lockedOutFor(ATTACKER)).isPositive();
    }

    @Test
    void failuresOlderThanTheWindow_doNotCount() {
        fail(ATTACKER, 4);
        clock.advance(Duration.ofMinutes(5).plusSeconds(1));

        fail(ATTACKER, 4);

        assertThat(throttle.lockedOutFor(ATTACKER)).isZero();
    }

    @Test
    void aSuccessfulLogin_forgetsTheClientsFailures() {
        fail(ADMIN, 4);

        throttle.succeeded(ADMIN);
        fail(ADMIN, 4);

        assertThat(throttle.lockedOutFor(ADMIN)).isZero();
        assertThat(throttle.tracked()).isEqualTo(1);
    }

    @Test
    void askingAboutAClient_costsNoMemory() {
        for (int i = 0; i < 1000; i++) {
            throttle.lockedOutFor("10.0." + (i / 256) + "." + (i % 256));
        }
        assertThat(throttle.tracked()).isZero();
    }

    @Test
    void memoryIsBounded_theClientSeenLeastRecentlyIsForgottenFirst() {
        fail(ATTACKER, 5);
        for (int i = 0; i < 99; i++) {
            throttle.failed("10.1.0." + i);
        }
        assertThat(throttle.tracked()).isEqualTo(100);
        assertThat(throttle.lockedOutFor(ATTACKER)).as("still remembered, and now the most recently seen").isPositive();

        for (int i = 0; i < 10_000; i++) {
            throttle.failed("10.2." + (i / 256) + "." + (i % 256));
        }

        assertThat(throttle.tracked()).isEqualTo(100);
    }

    @Test
    void ipv6ClientsCountPerSlash64_andIpv4MappedAddressesAsIpv4() {
        for (int i = 1; i <= 5; i++) {
            throttle.failed("2001:db8:aa:bb::" + Integer.toHexString(i * 4099)); // five addresses, one /64
        }
        assertThat(throttle.lockedOutFor("2001:db8:aa:bb:ffff:1:2:3")).isPositive();
        assertThat(throttle.lockedOutFor("[2001:db8:aa:bb::1%eth0]")).isPositive();
        assertThat(throttle.lockedOutFor("2001:db8:aa:bc::1")).as("the neighbouring /64").isZero();

        fail("::ffff:192.0.2.1", 5);
        assertThat(throttle.lockedOutFor("192.0.2.1")).isPositive();
    }

    @Test
    void clientKeys_areStable_andNeverNeedANameLookup() {
        assertThat(LoginThrottle.clientKey("127.0.0.1")).isEqualTo("127.0.0.1");
        assertThat(LoginThrottle.clientKey("0:0:0:0:0:0:0:1")).isEqualTo(LoginThrottle.clientKey("::1"));
        assertThat(LoginThrottle.clientKey("2001:db8::1")).isEqualTo("2001:db8:0:0:0:0:0:0/64");
        assertThat(LoginThrottle.clientKey("not-an-address.example")).isEqualTo("not-an-address.example");
        assertThat(LoginThrottle.clientKey(null)).isEmpty();
    }
}
