package dev.flowcast.it;

import static dev.flowcast.it.WsTestClient.isEvent;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Contract §2 over real HTTP: every status and error body of the publish API, and batches all-or-none. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class PublishApiIT extends DeployedWarTest {

    private static final String JSON = "application/json";
    private static final String KEY = "Bearer " + Api.PUBLISH_KEY;

    private static JsonObject body(HttpResponse<String> response) {
        return Json.createReader(new StringReader(response.body())).readObject();
    }

    private static void assertError(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonObject body = body(response);
        assertThat(body.getString("error")).isEqualTo(code);
        assertThat(body.getString("message")).isNotBlank();
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith(JSON));
    }

    @Test
    void accepted_answers202WithIdAndTopic() {
        HttpResponse<String> response = api().publish("public:api.ok", "{\"a\":1}");
        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(body(response).getString("topic")).isEqualTo("public:api.ok");
        assertThat(body(response).getString("id")).isNotBlank();
    }

    @Test
    void refusals_getTheirStatusAndErrorBody() {
        Api api = api();
        String path = "api/topics/public:api.bad/events";
        assertError(api.post(path, "{}", JSON, null), 401, "unauthorized");
        assertError(api.post(path, "{}", JSON, "Basic " + Api.PUBLISH_KEY), 401, "unauthorized");
        assertError(api.post(path, "{}", JSON, "Bearer " + Api.PUBLISH_KEY + "x"), 401, "unauthorized");
        assertError(api.post(path, "{}", "text/plain", KEY), 415, "unsupported_media_type");
        assertError(api.post(path, "{}", null, KEY), 415, "unsupported_media_type");
        assertError(api.post(path, "{\"a\":", JSON, KEY), 400, "bad_json");
        assertError(api.post(path, "", JSON, KEY), 400, "empty_body");
        assertError(api.postBytes(path, new byte[] {'"', (byte) 0xff, '"'}, JSON, KEY), 400, "bad_encoding");
        assertError(api.post("api/topics/bad%20topic/events", "{}", JSON, KEY), 400, "bad_topic");
        assertError(api.post("api/topics/" + "t".repeat(201) + "/events", "{}", JSON, KEY), 400, "bad_topic");
        assertError(api.post(path, "\"" + "x".repeat(65536) + "\"", JSON, KEY), 413, "too_large");
    }

    @Test
    void aBatch_isAcceptedWhole_andDeliveredInOrder() {
        String topic = "public:batch." + UUID.randomUUID().toString().substring(0, 8);
        StringBuilder body = new StringBuilder("[");
        for (int i = 1; i <= 50; i++) {
            body.append(i > 1 ? "," : "").append("{\"topic\":\"").append(topic).append("\",\"data\":").append(i).append('}');
        }
        try (WsTestClient client = WsTestClient.connect(base())) {
            client.subscribeAndWait(topic);
            HttpResponse<String> response = api().post("api/events", body.append(']').toString(), JSON, KEY);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            assertThat(body(response).getJsonArray("ids")).hasSize(50);
            List<JsonObject> events = client.awaitFrames(isEvent(topic), 50);
            for (int i = 0; i < 50; i++) {
                assertThat(events.get(i).getInt("data")).isEqualTo(i + 1);
                assertThat(events.get(i).getJsonNumber("seq").longValue()).isEqualTo(i + 1);
                assertThat(events.get(i).getString("id")).isEqualTo(body(response).getJsonArray("ids").getString(i));
            }
        }
    }

    @Test
    void aBatchWithOneBadItem_isRefusedWhole_namingTheItem() {
        String topic = "public:batchbad." + UUID.randomUUID().toString().substring(0, 8);
        String body = "[{\"topic\":\"" + topic + "\",\"data\":1},{\"topic\":\"no good\",\"data\":2}]";
        try (WsTestClient client = WsTestClient.connect(base())) {
            client.subscribeAndWait(topic);
            HttpResponse<String> response = api().post("api/events", body, JSON, KEY);
            assertError(response, 400, "bad_topic");
            assertThat(body(response).getInt("index")).isEqualTo(1);
            // none accepted: the next event of the topic is its first
            assertThat(api().publish(topic, "\"after\"").statusCode()).isEqualTo(202);
            JsonObject first = client.awaitFrame(isEvent(topic));
            assertThat(first.getJsonNumber("seq").longValue()).isEqualTo(1);
            assertThat(first.getString("data")).isEqualTo("after");
        }
    }

    @Test
    void aBatchThatCannotFitInTheQueue_gets429WithRetryAfter_andNoneOfItIsAccepted() {
        int capacity = Integer.parseInt(System.getenv("FLOWCAST_QUEUE_CAPACITY"));
        String topic = "public:full." + UUID.randomUUID().toString().substring(0, 8);
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i <= capacity; i++) { // one more than the ingest queue can ever hold
            body.append(i > 0 ? "," : "").append("{\"topic\":\"").append(topic).append("\",\"data\":").append(i).append('}');
        }
        try (WsTestClient client = WsTestClient.connect(base())) {
            client.subscribeAndWait(topic);
            HttpResponse<String> response = api().post("api/events", body.append(']').toString(), JSON, KEY);
            assertError(response, 429, "queue_full");
            assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(api().publish(topic, "\"after\"").statusCode()).isEqualTo(202);
            assertThat(client.awaitFrame(isEvent(topic)).getJsonNumber("seq").longValue()).isEqualTo(1);
        }
    }

    @Test
    void aBatchOfMoreThan1000Items_isRefused() {
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < 1001; i++) {
            body.append(i > 0 ? "," : "").append("{\"topic\":\"public:many\",\"data\":1}");
        }
        assertError(api().post("api/events", body.append(']').toString(), JSON, KEY), 400, "too_many_items");
    }

    @Test
    void unknownPathsUnderApi_getTheSameErrorShape() {
        assertError(api().get("api/nothing-here"), 404, "not_found");
    }
}
