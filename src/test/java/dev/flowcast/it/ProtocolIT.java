package dev.flowcast.it;

import static dev.flowcast.it.WsTestClient.isEvent;
import static dev.flowcast.it.WsTestClient.ofType;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Contract §3 through a real WebSocket client: bad input, authorization, and resume with since/epoch.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ProtocolIT extends DeployedWarTest {

    private static String fresh(String prefix) {
        return prefix + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Predicate<JsonObject> error(String code) {
        return f -> "error".equals(f.getString("type", null)) && code.equals(f.getString("code", null));
    }

    /**
     * Sends a frame that is refused at once (not one that subscribes), then a ping, and returns the answer to
     * the frame: the frame before the pong.
     */
    private static JsonObject answerTo(WsTestClient client, String frame) {
        int before = client.frames().size();
        client.send(frame).send("{\"type\":\"ping\"}");
        List<JsonObject> frames = client.awaitFrames(f -> true, before + 2);
        JsonObject pong = frames.get(before + 1);
        assertThat(pong.getString("type")).as("connection still answers after " + frame).isEqualTo("pong");
        return frames.get(before);
    }

    @Test
    void badFrames_eachGetTheirErrorCode_andTheConnectionStaysOpen() {
        try (WsTestClient client = WsTestClient.connect(base())) {
            assertThat(answerTo(client, "not json").getString("code")).isEqualTo("bad_frame");
            assertThat(answerTo(client, "[1,2]").getString("code")).isEqualTo("bad_frame");
            assertThat(answerTo(client, "{\"type\":7}").getString("code")).isEqualTo("bad_frame");
            assertThat(answerTo(client, "{\"topic\":\"public:a\"}").getString("code")).isEqualTo("bad_frame");
            assertThat(answerTo(client, "{\"type\":\"dance\"}").getString("code")).isEqualTo("unknown_type");
            assertThat(answerTo(client, "{\"type\":\"subscribe\"}").getString("code")).isEqualTo("bad_frame");

            JsonObject badTopic = answerTo(client, "{\"type\":\"subscribe\",\"topic\":\"no spaces allowed\"}");
            assertThat(badTopic.getString("code")).isEqualTo("bad_topic");
            assertThat(badTopic.getString("topic")).isEqualTo("no spaces allowed");
            assertThat(badTopic.getString("message")).isNotBlank();

            JsonObject badSince = answerTo(client, "{\"type\":\"subscribe\",\"topic\":\"public:a\",\"since\":\"7\"}");
            assertThat(badSince.getString("code")).isEqualTo("bad_frame");
            assertThat(badSince.getString("topic")).isEqualTo("public:a");

            assertThat(client.frames()).allSatisfy(f -> assertThat(f.toString()).doesNotContain("Exception", "\tat "));
        }
    }

    @Test
    void aTextFrameOver64KiB_closesWith1009_andOtherClientsAreUnaffected() {
        try (WsTestClient bystander = WsTestClient.connect(base());
             WsTestClient offender = WsTestClient.connect(base())) {
            offender.send("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(64 * 1024) + "\"}");
            assertThat(offender.awaitClose()).isEqualTo(1009);
            assertThat(answerTo(bystander, "{\"type\":\"ping\"}").getString("type")).isEqualTo("pong");
        }
    }

    @Test
    void aBinaryFrame_closesWith1003() {
        try (WsTestClient client = WsTestClient.connect(base())) {
            client.sendBinary(new byte[] {1, 2, 3});
            assertThat(client.awaitClose()).isEqualTo(1003);
        }
    }

    @Test
    void subscriptionsBeyondTheLimit_areRefused_withTooManySubscriptions() {
        int limit = Integer.parseInt(System.getenv("FLOWCAST_CLIENT_MAX_SUBSCRIPTIONS"));
        try (WsTestClient client = WsTestClient.connect(base())) {
            for (int i = 0; i < limit; i++) {
                client.subscribeAndWait("public:limit." + i);
            }
            JsonObject refused = answerTo(client, "{\"type\":\"subscribe\",\"topic\":\"public:limit.over\"}");
            assertThat(refused.getString("code")).isEqualTo("too_many_subscriptions");
            assertThat(refused.getString("topic")).isEqualTo("public:limit.over");
            // Unsubscribing frees a place.
            client.send("{\"type\":\"unsubscribe\",\"topic\":\"public:limit.0\"}");
            client.awaitFrame(ofType("unsubscribed"));
            client.subscribeAndWait("public:limit.over");
        }
    }

    @Test
    void privateTopics_needATokenThatGrantsThem() {
        String mine = fresh("user:");
        String theirs = fresh("user:");
        try (WsTestClient anonymous = WsTestClient.connect(base());
             WsTestClient owner = WsTestClient.connect(base(), "token=" + Tokens.forTopics(mine))) {
            assertThat(error("unauthorized").test(answerTo(anonymous, subscribe(mine)))).isTrue();
            assertThat(owner.subscribeAndWait(mine).getJsonNumber("seq").longValue()).isZero();
            // The book's wrong-user test: a token for one user does not open another user's topic.
            JsonObject wrongUser = answerTo(owner, subscribe(theirs));
            assertThat(wrongUser.getString("code")).isEqualTo("unauthorized");
            assertThat(wrongUser.getString("topic")).isEqualTo(theirs);
        }
    }

    @Test
    void subscribeFrameTokens_areCheckedForThatSubscription_andBadOnesRefused() {
        String topic = fresh("orders:");
        try (WsTestClient client = WsTestClient.connect(base())) {
            assertThat(answerTo(client, subscribe(topic, Tokens.expired(topic))).getString("code")).isEqualTo("unauthorized");
            assertThat(answerTo(client, subscribe(topic, Tokens.forged(topic))).getString("code")).isEqualTo("unauthorized");
            assertThat(answerTo(client, subscribe(topic, Tokens.algNone())).getString("code")).isEqualTo("unauthorized");
            assertThat(answerTo(client, subscribe(topic, Tokens.hs512(topic))).getString("code")).isEqualTo("unauthorized");
            assertThat(answerTo(client, subscribe(topic, Tokens.forTopics("orders:other"))).getString("code"))
                    .isEqualTo("unauthorized");
            client.send(subscribe(topic, Tokens.forTopics("orders:*")));
            // The subscription is carried out in the topic's lane, so its answer may come after a pong.
            assertThat(client.awaitFrame(ofType("subscribed")).getString("topic")).isEqualTo(topic);
        }
    }

    @Test
    void anInvalidConnectToken_closesTheConnectionWith1008() {
        try (WsTestClient client = WsTestClient.connect(base(), "token=" + Tokens.forged("*"))) {
            assertThat(client.awaitClose()).isEqualTo(1008);
            assertThat(client.closeReason()).isEqualTo("unauthorized");
        }
    }

    @Test
    void eventsOfAPrivateTopic_neverReachAClientThatIsNotAuthorized() {
        String secret = fresh("user:");
        String open = fresh("public:marker.");
        Api api = new Api(base());
        try (WsTestClient intruder = WsTestClient.connect(base(), "token=" + Tokens.forTopics("user:somebody-else"))) {
            answerTo(intruder, subscribe(secret));
            intruder.subscribeAndWait(open);
            assertThat(api.publish(secret, "{\"card\":\"4111\"}").statusCode()).isEqualTo(202);
            assertThat(api.publish(open, "1").statusCode()).isEqualTo(202);
            intruder.awaitFrame(isEvent(open));
            assertThat(intruder.frames()).noneMatch(f -> "event".equals(f.getString("type", null))
                    && secret.equals(f.getString("topic", null)));
        }
    }

    @Test
    void resumeWithSinceAndEpoch_replaysExactlyTheMissedEvents_thenContinuesLive() {
        String topic = fresh("public:resume.");
        Api api = new Api(base());
        String epoch;
        try (WsTestClient first = WsTestClient.connect(base())) {
            epoch = first.subscribeAndWait(topic).getString("epoch");
            publish(api, topic, 1, 5);
            first.awaitFrames(isEvent(topic), 5);
        }
        publish(api, topic, 6, 8); // while the client is away
        try (WsTestClient again = WsTestClient.connect(base())) {
            again.send("{\"type\":\"subscribe\",\"topic\":\"" + topic + "\",\"since\":5,\"epoch\":\"" + epoch + "\"}");
            JsonObject subscribed = again.awaitFrame(ofType("subscribed"));
            assertThat(subscribed.getJsonNumber("seq").longValue()).isEqualTo(8);
            assertThat(subscribed.getString("epoch")).isEqualTo(epoch);
            publish(api, topic, 9, 10);
            List<JsonObject> events = again.awaitFrames(isEvent(topic), 5);
            assertThat(events).extracting(e -> e.getJsonNumber("seq").longValue()).containsExactly(6L, 7L, 8L, 9L, 10L);
            assertThat(events).extracting(e -> e.getJsonObject("data").getInt("n")).containsExactly(6, 7, 8, 9, 10);
            assertThat(again.frames()).noneMatch(ofType("gap"));
            // subscribed is the first frame of the subscription, before any replayed event
            assertThat(again.frames().get(0).getString("type")).isEqualTo("subscribed");
        }
    }

    @Test
    void resumeFromBeforeTheRetainedHistory_getsAGapThenTheRetainedEvents() {
        int history = Integer.parseInt(System.getenv("FLOWCAST_HISTORY_SIZE"));
        String topic = fresh("public:old.");
        Api api = new Api(base());
        publish(api, topic, 1, history + 20);
        try (WsTestClient client = WsTestClient.connect(base())) {
            String epoch = client.subscribeAndWait(topic).getString("epoch");
            client.send("{\"type\":\"unsubscribe\",\"topic\":\"" + topic + "\"}");
            client.awaitFrame(ofType("unsubscribed"));
            int before = client.frames().size();
            client.send("{\"type\":\"subscribe\",\"topic\":\"" + topic + "\",\"since\":0,\"epoch\":\"" + epoch + "\"}");
            List<JsonObject> frames = client.awaitFrames(f -> true, before + 2 + history);
            List<JsonObject> resumed = frames.subList(before, frames.size());
            assertThat(resumed.get(0).getString("type")).isEqualTo("subscribed");
            JsonObject gap = resumed.get(1);
            assertThat(gap.getString("type")).isEqualTo("gap");
            assertThat(gap.getJsonNumber("from").longValue()).isEqualTo(1);
            assertThat(gap.getJsonNumber("to").longValue()).isEqualTo(20);
            assertThat(resumed.get(2).getJsonNumber("seq").longValue()).isEqualTo(21);
            assertThat(resumed.get(resumed.size() - 1).getJsonNumber("seq").longValue()).isEqualTo(history + 20);
        }
    }

    @Test
    void resumeWithAWrongEpoch_getsAGapFromOneToNewest_thenLiveEvents() {
        String topic = fresh("public:epoch.");
        Api api = new Api(base());
        publish(api, topic, 1, 3);
        try (WsTestClient client = WsTestClient.connect(base())) {
            client.send("{\"type\":\"subscribe\",\"topic\":\"" + topic + "\",\"since\":2,\"epoch\":\"not-the-epoch\"}");
            JsonObject gap = client.awaitFrame(ofType("gap"));
            assertThat(gap.getJsonNumber("from").longValue()).isEqualTo(1);
            assertThat(gap.getJsonNumber("to").longValue()).isEqualTo(3);
            publish(api, topic, 4, 4);
            assertThat(client.awaitFrame(isEvent(topic)).getJsonNumber("seq").longValue()).isEqualTo(4);
        }
    }

    private static String subscribe(String topic) {
        return "{\"type\":\"subscribe\",\"topic\":\"" + topic + "\"}";
    }

    private static String subscribe(String topic, String token) {
        return "{\"type\":\"subscribe\",\"topic\":\"" + topic + "\",\"token\":\"" + token + "\"}";
    }

    private static void publish(Api api, String topic, int from, int to) {
        for (int n = from; n <= to; n++) {
            HttpResponse<String> answer = api.publish(topic, "{\"n\":" + n + "}");
            assertThat(answer.statusCode()).as("publish %d of %s over %s: %s %s", n, topic, answer.version(),
                    answer.headers().map(), answer.body()).isEqualTo(202);
        }
    }
}
