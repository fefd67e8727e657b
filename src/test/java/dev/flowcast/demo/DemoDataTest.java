package dev.flowcast.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowcast.event.Topic;
import jakarta.json.Json;
import java.io.StringReader;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DemoDataTest {

    @Test
    void shouldFeedAllThreeDemoTopics_withCompactJsonObjects() {
        DemoData data = new DemoData(7);
        Set<String> topics = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            String[] next = data.next();
            topics.add(next[0]);
            assertThat(Topic.isValid(next[0])).isTrue();
            assertThat(next[1]).doesNotContain("\n");
            assertThat(Json.createReader(new StringReader(next[1])).readObject()).isNotEmpty();
        }
        assertThat(topics).containsExactlyInAnyOrder(DemoData.PRICES, DemoData.COUNTER, DemoData.CHAT);
    }

    @Test
    void shouldCountUpByOne() {
        DemoData data = new DemoData(1);
        long expected = 1;
        for (int i = 0; i < 100; i++) {
            String[] next = data.next();
            if (next[0].equals(DemoData.COUNTER)) {
                assertThat(Json.createReader(new StringReader(next[1])).readObject().getInt("count")).isEqualTo(expected++);
            }
        }
        assertThat(expected).isGreaterThan(10);
    }
}
