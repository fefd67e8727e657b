package dev.flowcast.it;

import static dev.flowcast.it.WsTestClient.isEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The original pipeline's three tests, in Java, against the real WAR in a real Payara Micro: events arrive
 * in order, only at subscribers of their topic, and their delivery is timed.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class PipelineIT extends DeployedWarTest {

    private static String freshTopic(String name) {
        return "public:it." + name + "." + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void eventsPublishedToATopic_arriveAtItsSubscriber_allInOrder_withSeq1to10() throws Exception {
        String topic = freshTopic("order");
        Api api = new Api(base());
        try (WsTestClient client = WsTestClient.connect(base())) {
            JsonObject subscribed = client.subscribeAndWait(topic);
            assertThat(subscribed.getJsonNumber("seq").longValue()).isZero();

            for (int i = 1; i <= 10; i++) {
                HttpResponse<String> response = api.publish(topic, "{\"n\":" + i + "}");
                assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            }

            List<JsonObject> events = client.awaitFrames(isEvent(topic), 10);
            assertThat(events).hasSize(10);
            for (int i = 0; i < 10; i++) {
                JsonObject event = events.get(i);
                assertThat(event.getJsonNumber("seq").longValue()).isEqualTo(i + 1);
                assertThat(event.getJsonObject("data").getInt("n")).isEqualTo(i + 1);
                assertThat(event.getString("id")).isNotBlank();
                assertThat(event.getJsonNumber("ts").longValue()).isPositive();
            }
        }
    }

    @Test
    void aClientSubscribedToAnotherTopic_receivesNoneOfThem() throws Exception {
        String topic = freshTopic("mine");
        String other = freshTopic("other");
        Api api = new Api(base());
        try (WsTestClient subscriber = WsTestClient.connect(base());
             WsTestClient bystander = WsTestClient.connect(base())) {
            subscriber.subscribeAndWait(topic);
            bystander.subscribeAndWait(other);

            for (int i = 1; i <= 10; i++) {
                assertThat(api.publish(topic, "{\"n\":" + i + "}").statusCode()).isEqualTo(202);
            }
            subscriber.awaitFrames(isEvent(topic), 10);
            // A marker on the bystander's own topic, published after the ten: once it arrives, anything of
            // the first topic that was ever going to reach the bystander would have reached it.
            assertThat(api.publish(other, "\"marker\"").statusCode()).isEqualTo(202);
            bystander.awaitFrame(isEvent(other));

            assertThat(bystander.frames()).noneMatch(f -> topic.equals(f.getString("topic", null)));
            assertThat(bystander.events(other)).hasSize(1);
        }
    }

    @Test
    void deliveryTimingIsRecorded_latencyTimerCountsEveryDelivery() throws Exception {
        String topic = freshTopic("timed");
        Api api = new Api(base());
        long before = metric(base(), "flowcast_delivery_latency_seconds_count");
        try (WsTestClient client = WsTestClient.connect(base())) {
            client.subscribeAndWait(topic);
            for (int i = 1; i <= 10; i++) {
                assertThat(api.publish(topic, "{\"n\":" + i + "}").statusCode()).isEqualTo(202);
            }
            client.awaitFrames(isEvent(topic), 10);
        }
        await().atMost(WsTestClient.TIMEOUT).untilAsserted(() ->
                assertThat(metric(base(), "flowcast_delivery_latency_seconds_count")).isGreaterThanOrEqualTo(before + 10));
    }

    @Test
    void publishWithoutTheKey_isRefusedWith401() throws Exception {
        Api api = new Api(base());
        HttpResponse<String> none = api.post("api/topics/public:x/events", "{}", "application/json", null);
        HttpResponse<String> wrong = api.post("api/topics/public:x/events", "{}", "application/json", "Bearer wrong");
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).contains("\"error\":\"unauthorized\"");
    }
}
