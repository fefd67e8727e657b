package dev.flowcast.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flowcast.cluster.EventBatch;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ClientProtocolTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private ProtocolFixture fixture = new ProtocolFixture();

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    private static String subscribe(String topic) {
        return "{\"type\":\"subscribe\",\"topic\":\"" + topic + "\"}";
    }

    @Test
    void aPublicSubscribe_isAnsweredSubscribed_andAPingPong() {
        ProtocolFixture.Client client = fixture.connect("a");
        client.send(subscribe("public:x"), 0, fixture.protocol);
        client.send("{\"type\":\"ping\"}", 0, fixture.protocol);
        await().atMost(WAIT).until(() -> client.summary().size() == 2);
        assertThat(client.summary()).containsExactlyInAnyOrder("subscribed", "pong");
    }

    @Test
    void aPrivateTopicWithoutToken_isRefusedUnauthorized_namingTheTopic() {
        ProtocolFixture.Client client = fixture.connect("a");
        client.send(subscribe("user:1"), 0, fixture.protocol);
        assertThat(client.summary()).containsExactly("error:unauthorized");
        assertThat(client.frames().get(0).getString("topic")).isEqualTo("user:1");
    }

    @Test
    void aFrameTokenGrantsItsTopic_andItsExpiryTravelsWithTheSubscription() {
        ProtocolFixture.Client client = fixture.connect("a");
        Instant exp = fixture.start.plusSeconds(60);
        client.send("{\"type\":\"subscribe\",\"topic\":\"user:1\",\"token\":\"" + ProtocolFixture.token("user:1", exp)
                + "\"}", 0, fixture.protocol);
        await().atMost(WAIT).until(() -> client.summary().contains("subscribed"));
        assertThat(client.connection().subscription("user:1").expiresAt()).isEqualTo(exp);
    }

    @Test
    void pastMaxSubscriptions_aSubscribeIsRefused() {
        ProtocolFixture.Client client = fixture.connect("a");
        for (int i = 0; i < 4; i++) {
            client.send(subscribe("public:t" + i), 0, fixture.protocol);
        }
        await().atMost(WAIT).until(() -> client.summary().size() == 4);
        assertThat(client.summary()).containsOnlyOnce("error:too_many_subscriptions");
        assertThat(client.connection().subscriptionCount()).isEqualTo(3);
    }

    @Test
    void aFlood_getsRateLimitedErrors_thenA1008Close() {
        ProtocolFixture.Client client = fixture.connect("a", null, 10);
        for (int i = 0; i < 30; i++) {
            client.send("{\"type\":\"ping\"}", 0, fixture.protocol);
        }
        client.send(subscribe("public:x"), 0, fixture.protocol);
        assertThat(client.frames().get(30).getString("code")).isEqualTo("rate_limited");
        assertThat(client.frames().get(30).getString("topic")).isEqualTo("public:x");
        for (int i = 0; i < 20 && client.sink().closeCode == null; i++) {
            client.send("{\"type\":\"ping\"}", 0, fixture.protocol);
        }
        assertThat(client.sink().closeCode).isEqualTo(1008);
        assertThat(client.sink().closeReason).isEqualTo("rate limited");
    }

    @Test
    void theRateLimitClose_waitsForTheErrorsAlreadyQueued_soTheClientLearnsWhy() {
        ProtocolFixture.Client client = fixture.connect("a", null, 10, false); // a socket that writes when told
        for (int i = 0; i < 100 && client.sink().closeCode == null; i++) {
            client.send("{\"type\":\"ping\"}", 0, fixture.protocol);
        }
        assertThat(client.sink().closeCode).as("closed before its queued frames were written").isNull();
        assertThat(client.connection().outbox().isClosedByServer()).as("the close is decided").isTrue();
        while (!client.sink().waiting.isEmpty()) {
            client.sink().completeNext();
        }
        assertThat(client.sink().frames()).anyMatch(f -> f.contains("\"code\":\"rate_limited\""));
        assertThat(client.sink().closeCode).isEqualTo(1008);
        assertThat(client.sink().closeReason).isEqualTo("rate limited");
    }

    @Test
    void whenTheFanOutQueueIsFull_aSubscribeIsAnsweredUnavailable_atOnce() {
        fixture.close();
        fixture = new ProtocolFixture(1, 1, 10, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
        CountDownLatch slowHistory = new CountDownLatch(1);
        fixture.history.holdPositionsUntil(slowHistory);
        try {
            ProtocolFixture.Client client = fixture.connect("a");
            client.send(subscribe("public:a"), 0, fixture.protocol); // the only worker waits on the history
            await().atMost(WAIT).until(() -> fixture.fanOut.stage().stats().inFlight() == 1);
            client.send(subscribe("public:b"), 0, fixture.protocol); // fills the queue (capacity 1)
            client.send(subscribe("public:c"), 0, fixture.protocol); // no room: refused, not waited for
            assertThat(client.summary()).containsExactly("error:unavailable");
            assertThat(client.connection().subscription("public:c")).isNull();
        } finally {
            slowHistory.countDown();
        }
    }

    @Test
    void whileTheNodeIsCutOffFromItsCluster_aSubscribeIsAnsweredUnavailable_atOnce_andAfterwardsSubscribed() {
        ProtocolFixture.Client client = fixture.connect("a");
        fixture.clusterReachable.set(false);
        client.send(subscribe("public:cut"), 0, fixture.protocol);
        assertThat(client.summary()).as("answered on the frame's own thread, no fan-out work queued")
                .containsExactly("error:unavailable");
        assertThat(client.sink().frames().get(0)).contains("lost its Hazelcast cluster").contains("\"topic\":\"public:cut\"");
        assertThat(client.connection().subscription("public:cut")).isNull();
        assertThat(fixture.history.positionReads()).isZero();

        fixture.clusterReachable.set(true);
        client.send(subscribe("public:cut"), 0, fixture.protocol);
        await().atMost(WAIT).until(() -> client.summary().contains("subscribed"));
    }

    @Test
    void anUnsubscribe_whileTheFanOutQueueIsFull_isAnsweredAndNoEventFollows() {
        fixture.close();
        fixture = new ProtocolFixture(2, 1, 10, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
        ProtocolFixture.Client client = fixture.connect("a");
        client.send(subscribe("public:t"), 0, fixture.protocol);
        await().atMost(WAIT).until(() -> client.summary().contains("subscribed"));
        CountDownLatch slowHistory = new CountDownLatch(1);
        fixture.history.holdPositionsUntil(slowHistory);
        try {
            ProtocolFixture.Client other = fixture.connect("b");
            other.send(subscribe("public:busy"), 0, fixture.protocol); // holds the one worker
            await().atMost(WAIT).until(() -> fixture.fanOut.stage().stats().inFlight() == 1);
            fixture.fanOut.offer(new FanOutWork.Deliver(new EventBatch("public:t", fixture.history.append("public:t", 1))));
            fixture.fanOut.offer(new FanOutWork.Resync("public:zz"));
            assertThat(fixture.fanOut.offer(new FanOutWork.Resync("public:zz"))).as("the queue is full").isFalse();
            client.send("{\"type\":\"unsubscribe\",\"topic\":\"public:t\"}", 0, fixture.protocol);
            assertThat(client.summary()).containsExactly("subscribed", "unsubscribed");
        } finally {
            slowHistory.countDown();
        }
        await().atMost(WAIT).until(() -> fixture.fanOut.stage().stats().depth() == 0
                && fixture.fanOut.stage().stats().inFlight() == 0);
        assertThat(client.summary()).containsExactly("subscribed", "unsubscribed"); // the queued event never came
        client.send(subscribe("public:t"), 0, fixture.protocol); // and it can subscribe again
        await().atMost(WAIT).until(() -> client.summary().size() == 3);
        assertThat(client.summary().get(2)).isEqualTo("subscribed");
    }

    @Test
    void aClosedConnection_endsEverySubscription() {
        ProtocolFixture.Client client = fixture.connect("a");
        client.send(subscribe("public:t"), 0, fixture.protocol);
        await().atMost(WAIT).until(() -> client.summary().contains("subscribed"));
        Subscription subscription = client.connection().subscription("public:t");
        fixture.protocol.closed(client.connection());
        assertThat(subscription.isActive()).isFalse();
        assertThat(client.connection().subscriptionCount()).isZero();
        await().atMost(WAIT).until(() -> !fixture.fanOut.fanOut().wants("public:t")); // its channel is pruned
    }

    @Test
    void theSameFrameTwice_answersSubscribedTwice_butDeliversEachEventOnce() {
        ProtocolFixture.Client client = fixture.connect("a");
        client.send(subscribe("public:t"), 0, fixture.protocol);
        client.send(subscribe("public:t"), 0, fixture.protocol);
        await().atMost(WAIT).until(() -> client.summary().size() == 2);
        fixture.fanOut.offer(new FanOutWork.Deliver(new EventBatch("public:t", fixture.history.append("public:t", 2))));
        await().atMost(WAIT).until(() -> client.summary().size() == 4);
        assertThat(client.summary()).isEqualTo(List.of("subscribed", "subscribed", "event:1", "event:2"));
    }
}
