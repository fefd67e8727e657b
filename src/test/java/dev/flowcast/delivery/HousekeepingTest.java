package dev.flowcast.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flowcast.auth.MutableClock;
import dev.flowcast.cluster.EventBatch;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HousekeepingTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final int PING_SECONDS = 10;

    /** A clock the test moves by hand. */
    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final ProtocolFixture fixture = new ProtocolFixture(1000, 2, 10, clock);
    private final Housekeeping housekeeping = new Housekeeping(fixture.registry, fixture.protocol, fixture.fanOut,
            PING_SECONDS, clock, fixture.clusterReachable::get);

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void aQuietConnection_isPingedEveryPeriod_andClosedAfterThreeSilentPeriods_thenAborted() {
        ProtocolFixture.Client client = fixture.connect("a");
        housekeeping.tick(5 * SECOND);
        assertThat(client.sink().pings).isZero();
        housekeeping.tick(10 * SECOND);
        assertThat(client.sink().pings).isEqualTo(1);
        housekeeping.tick(15 * SECOND);
        assertThat(client.sink().pings).isEqualTo(1); // one per period
        housekeeping.tick(20 * SECOND);
        assertThat(client.sink().pings).isEqualTo(2);
        housekeeping.tick(30 * SECOND);
        assertThat(client.sink().closeCode).isEqualTo(1001);
        assertThat(client.sink().closeReason).isEqualTo("ping timeout");
        assertThat(client.sink().aborted).isFalse();
        housekeeping.tick(30 * SECOND + Housekeeping.ABORT_AFTER_NANOS);
        assertThat(client.sink().aborted).isTrue(); // a peer that vanished never lets the close frame out
    }

    @Test
    void aNodeCutOffFromItsClusterPastTheGrace_closesEveryConnectionWith1001_andAShortCutKeepsThem() {
        ProtocolFixture.Client a = fixture.connect("a");
        ProtocolFixture.Client b = fixture.connect("b");
        fixture.clusterReachable.set(false);
        housekeeping.tick(SECOND);
        housekeeping.tick(SECOND + Housekeeping.CUT_OFF_GRACE_NANOS - 1);
        assertThat(a.sink().closeCode).as("within the grace").isNull();
        fixture.clusterReachable.set(true); // reconnected: the clock of the cut starts again next time
        housekeeping.tick(2 * SECOND + Housekeeping.CUT_OFF_GRACE_NANOS);
        fixture.clusterReachable.set(false);
        housekeeping.tick(3 * SECOND + Housekeeping.CUT_OFF_GRACE_NANOS);
        assertThat(a.sink().closeCode).as("a new cut has its own grace").isNull();

        housekeeping.tick(3 * SECOND + 2 * Housekeeping.CUT_OFF_GRACE_NANOS);
        for (ProtocolFixture.Client client : java.util.List.of(a, b)) {
            assertThat(client.sink().closeCode).isEqualTo(1001);
            assertThat(client.sink().closeReason).isEqualTo(Housekeeping.CUT_OFF_REASON);
        }
        ProtocolFixture.Client late = fixture.connect("late"); // the upgrade filter refuses these; one that slipped in
        housekeeping.tick(4 * SECOND + 2 * Housekeeping.CUT_OFF_GRACE_NANOS);
        assertThat(late.sink().closeCode).isEqualTo(1001);
    }

    @Test
    void aCloseWaitingForWritesThatNeverFinish_isAbortedAfterTheDeadline() {
        ProtocolFixture.Client client = fixture.connect("a", null, 1000, false); // the peer never reads
        client.connection().send("{\"type\":\"pong\"}"); // a write that never completes
        client.connection().outbox().closeAfterFlush(1008, "rate limited");
        housekeeping.tick(SECOND);
        assertThat(client.sink().closeCode).isNull(); // still waiting for its write
        housekeeping.tick(SECOND + Housekeeping.ABORT_AFTER_NANOS - 1);
        assertThat(client.sink().aborted).isFalse();
        housekeeping.tick(SECOND + Housekeeping.ABORT_AFTER_NANOS);
        assertThat(client.sink().aborted).isTrue();
    }

    @Test
    void aConnectionThatAnswers_isNeverClosed() {
        ProtocolFixture.Client client = fixture.connect("a");
        for (long t = 0; t <= 300; t += 5) {
            client.connection().heard(t * SECOND); // e.g. pongs, or its own pings
            housekeeping.tick(t * SECOND);
        }
        assertThat(client.sink().closeCode).isNull();
    }

    @Test
    void aConnectTokenThatExpires_closesTheConnectionWith1008TokenExpired() {
        Instant exp = clock.instant().plusSeconds(30);
        ProtocolFixture.Client client = fixture.connect("a", fixture.connectToken("user:1", exp), 100);
        client.send("{\"type\":\"subscribe\",\"topic\":\"user:1\"}", 0, fixture.protocol);
        await().atMost(WAIT).until(() -> client.summary().contains("subscribed"));
        housekeeping.tick(SECOND);
        assertThat(client.sink().closeCode).isNull();
        clock.set(exp);
        housekeeping.tick(2 * SECOND);
        assertThat(client.sink().closeCode).isEqualTo(1008);
        assertThat(client.sink().closeReason).isEqualTo("token expired");
    }

    @Test
    void aSubscriptionWhoseFrameTokenExpires_endsWithUnsubscribedTokenExpired_andNoEventFollows() {
        Instant exp = clock.instant().plusSeconds(30);
        ProtocolFixture.Client client = fixture.connect("a");
        client.send("{\"type\":\"subscribe\",\"topic\":\"user:1\",\"token\":\"" + ProtocolFixture.token("user:1", exp)
                + "\"}", 0, fixture.protocol);
        client.send("{\"type\":\"subscribe\",\"topic\":\"public:p\"}", 0, fixture.protocol);
        await().atMost(WAIT).until(() -> client.summary().size() == 2);
        clock.set(exp);
        housekeeping.tick(SECOND);
        fixture.fanOut.offer(new FanOutWork.Deliver(new EventBatch("user:1", fixture.history.append("user:1", 1))));
        fixture.fanOut.offer(new FanOutWork.Deliver(new EventBatch("public:p", fixture.history.append("public:p", 1))));
        await().atMost(WAIT).until(() -> client.summary().contains("event:1"));
        assertThat(client.summary()).containsExactly("subscribed", "subscribed", "unsubscribed:token_expired", "event:1");
        assertThat(client.frames().get(3).getString("topic")).isEqualTo("public:p");
        assertThat(client.sink().closeCode).isNull(); // the connection and its other subscriptions go on
    }

    @Test
    void aLossOnABusPartition_catchesItsLocalTopicsUpFromHistory() {
        ProtocolFixture.Client client = fixture.connect("a");
        client.send("{\"type\":\"subscribe\",\"topic\":\"public:t\"}", 0, fixture.protocol);
        await().atMost(WAIT).until(() -> client.summary().contains("subscribed"));
        fixture.history.append("public:t", 3); // numbered, but their bus batches never reached this member
        new BusBridge(fixture.fanOut).lost(dev.flowcast.cluster.EventBus.partitionOf("public:t"));
        await().atMost(WAIT).until(() -> client.summary().size() == 4);
        assertThat(client.summary()).containsExactly("subscribed", "event:1", "event:2", "event:3");
    }

    @Test
    void aMarkedTopicWaits_whileTheStageStaysFull_andIsCaughtUpByALaterTick() {
        ProtocolFixture fullFixture = new ProtocolFixture(1, 1, 10, clock);
        try {
            Housekeeping chores = new Housekeeping(fullFixture.registry, fullFixture.protocol, fullFixture.fanOut,
                    PING_SECONDS, clock, fullFixture.clusterReachable::get);
            ProtocolFixture.Client client = fullFixture.connect("a");
            client.send("{\"type\":\"subscribe\",\"topic\":\"public:t\"}", 0, fullFixture.protocol);
            await().atMost(WAIT).until(() -> client.summary().contains("subscribed"));
            CountDownLatch slowHistory = new CountDownLatch(1);
            fullFixture.history.holdPositionsUntil(slowHistory);
            client.send("{\"type\":\"subscribe\",\"topic\":\"public:busy\"}", 0, fullFixture.protocol); // holds the worker
            await().atMost(WAIT).until(() -> fullFixture.fanOut.stage().stats().inFlight() == 1);
            fullFixture.fanOut.offer(new FanOutWork.Prune("public:other")); // fills the queue
            fullFixture.history.append("public:t", 2);
            fullFixture.fanOut.offerOrResync("public:t", new FanOutWork.Deliver(
                    new EventBatch("public:t", fullFixture.history.read("public:t", 1, 2))));
            assertThat(fullFixture.fanOut.resyncsPending()).isEqualTo(1);
            chores.tick(SECOND);
            assertThat(fullFixture.fanOut.resyncsPending()).isEqualTo(1); // still no room
            slowHistory.countDown();
            await().atMost(WAIT).until(() -> fullFixture.fanOut.stage().stats().depth() == 0);
            chores.tick(2 * SECOND);
            assertThat(fullFixture.fanOut.resyncsPending()).isZero();
            await().atMost(WAIT).until(() -> client.summary().contains("event:2"));
            assertThat(client.summary()).containsSubsequence("subscribed", "event:1", "event:2");
        } finally {
            fullFixture.close();
        }
    }
}
