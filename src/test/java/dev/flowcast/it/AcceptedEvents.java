package dev.flowcast.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the durable cluster tests check of a client's events against the ids that got a {@code 202}: every accepted
 * event arrives, once, in seq order from 1, without a hole.
 */
final class AcceptedEvents {

    private AcceptedEvents() {
    }

    /** Waits until the client saw every accepted id; returns its events. */
    static List<JsonObject> awaitAll(WsTestClient client, String topic, List<String> accepted) {
        Set<String> wanted = new HashSet<>(accepted);
        return await().atMost(Duration.ofSeconds(60)).until(() -> client.events(topic),
                events -> new HashSet<>(ids(events)).containsAll(wanted));
    }

    /** Seqs 1..N consecutive, every id once, every accepted id present. */
    static void assertExactlyOnceInOrder(List<JsonObject> events, List<String> accepted) {
        for (int i = 0; i < events.size(); i++) {
            assertThat(seq(events.get(i))).as("event #" + i).isEqualTo(i + 1);
        }
        List<String> ids = ids(events);
        Set<String> distinct = new HashSet<>(ids);
        assertThat(distinct).as("no event id twice").hasSize(ids.size());
        assertThat(distinct).containsAll(accepted);
    }

    static long seq(JsonObject event) {
        return event.getJsonNumber("seq").longValue();
    }

    static List<String> ids(List<JsonObject> events) {
        return events.stream().map(e -> e.getString("id")).toList();
    }
}
