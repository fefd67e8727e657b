package dev.flowcast.it;

import static dev.flowcast.it.WsTestClient.isEvent;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Graceful shutdown of a real node (SIGTERM to the bundle's JVM): events accepted before the signal are all
 * delivered, then sockets close with 1001 so clients reconnect elsewhere.
 */
class ShutdownIT {

    private static final int EVENTS = 2000;

    @Test
    void onSigterm_acceptedEventsAreDelivered_thenSocketsCloseWith1001() throws Exception {
        String key = "shutdown-it-key-0123456789";
        try (NodeProcess node = NodeProcess.start("shutdown", Map.of(
                "FLOWCAST_PUBLISH_KEY", key,
                "FLOWCAST_CLUSTER_NAME", "shutdown-it",
                "FLOWCAST_CLUSTER_PORT", "5871"))) {
            Api api = new Api(node.base());
            String topic = "public:shutdown";
            try (WsTestClient client = WsTestClient.connect(node.base())) {
                client.subscribeAndWait(topic);
                StringBuilder batch = new StringBuilder("[");
                for (int i = 1; i <= 1000; i++) {
                    batch.append(i > 1 ? "," : "").append("{\"topic\":\"").append(topic).append("\",\"data\":").append(i).append('}');
                }
                String body = batch.append(']').toString();
                for (int b = 0; b < EVENTS / 1000; b++) {
                    HttpResponse<String> response = api.post("api/events", body, "application/json", "Bearer " + key);
                    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
                }
                // Signal while the pipeline is still busy with what was accepted.
                node.signalTerm();

                assertThat(client.awaitClose()).isEqualTo(1001);
                List<JsonObject> events = client.events(topic);
                assertThat(events).hasSize(EVENTS);
                for (int i = 0; i < EVENTS; i++) {
                    assertThat(events.get(i).getJsonNumber("seq").longValue()).isEqualTo(i + 1);
                }
                assertThat(node.awaitExit(Duration.ofSeconds(60))).as("node exited").isTrue();
            }
        }
    }
}
