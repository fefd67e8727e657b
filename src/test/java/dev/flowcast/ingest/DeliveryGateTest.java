package dev.flowcast.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatNoException;

import dev.flowcast.stage.OverflowPolicy;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The writers' lag reaching publishers, per overflow policy. */
class DeliveryGateTest {

    private final AtomicLong lag = new AtomicLong();

    private DeliveryGate gate(OverflowPolicy policy, Duration wait) {
        return new DeliveryGate(policy, wait, lag::get);
    }

    @ParameterizedTest
    @EnumSource(OverflowPolicy.class)
    void writersWithinTheLimit_letEveryPublisherThrough(OverflowPolicy policy) {
        lag.set(DeliveryGate.LAG_LIMIT_MS);
        assertThatNoException().isThrownBy(() -> gate(policy, Duration.ofSeconds(5)).pass());
    }

    @Test
    void reject_answers429AtOnce_whileTheWritersAreBehind() {
        lag.set(DeliveryGate.LAG_LIMIT_MS + 1);
        assertThatThrownBy(() -> gate(OverflowPolicy.REJECT, Duration.ofHours(1)).pass())
                .isInstanceOfSatisfying(PublishError.class, e -> {
                    assertThat(e.status()).isEqualTo(429);
                    assertThat(e.code()).isEqualTo("queue_full");
                    assertThat(e.getMessage()).contains("delivery is behind");
                });
    }

    @Test
    void block_waitsUntilTheWritersCatchUp() throws Exception {
        lag.set(5_000);
        DeliveryGate gate = gate(OverflowPolicy.BLOCK, Duration.ofMinutes(1));
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Void> publisher = CompletableFuture.runAsync(() -> {
            started.countDown();
            gate.pass();
        });
        started.await();
        assertThat(publisher).isNotDone();
        lag.set(0);
        publisher.get(30, TimeUnit.SECONDS); // passes, no exception
    }

    @Test
    void block_answers429_whenTheWritersStayBehindForTheWholeOfferTimeout() {
        lag.set(5_000);
        assertThatThrownBy(() -> gate(OverflowPolicy.BLOCK, Duration.ofMillis(20)).pass())
                .isInstanceOfSatisfying(PublishError.class, e -> assertThat(e.status()).isEqualTo(429));
    }

    @ParameterizedTest
    @EnumSource(value = OverflowPolicy.class, names = {"DROP_OLDEST", "DROP_NEWEST"})
    void dropPolicies_doNotHoldPublishersBack(OverflowPolicy policy) {
        lag.set(60_000);
        assertThatNoException().isThrownBy(() -> gate(policy, Duration.ofHours(1)).pass());
    }
}
