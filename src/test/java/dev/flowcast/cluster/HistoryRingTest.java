package dev.flowcast.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowcast.event.Event;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

/**
 * The ring a topic log keeps its history in, against the plain deque of entries it replaced: whatever the mix of
 * appends and removals (events that wrap around the end of the byte ring, make it grow, then shrink it again), it
 * holds the same events in the same order.
 */
class HistoryRingTest {

    @RepeatedTest(20)
    void randomAppendsAndRemovals_keepTheSameEventsAsADeque(RepetitionInfo repetition) {
        Random random = new Random(repetition.getCurrentRepetition());
        HistoryRing ring = new HistoryRing();
        ArrayDeque<Event> expected = new ArrayDeque<>();
        long seq = 0;
        for (int step = 0; step < 3_000; step++) {
            boolean append = expected.isEmpty() || random.nextInt(100) < (step < 1_500 ? 60 : 40);
            if (append) {
                Event event = new Event("id-" + random.nextInt(1_000), "t", data(random), random.nextLong(), ++seq);
                ring.addLast(HistoryEntry.unnumbered(event), seq);
                expected.addLast(event);
            } else {
                ring.removeFirst();
                expected.removeFirst();
            }
            assertThat(ring.size()).isEqualTo(expected.size());
            if (step % 97 == 0 || expected.size() < 3) {
                assertSame(ring, expected);
            }
        }
        assertSame(ring, expected);
        while (!expected.isEmpty()) {
            ring.removeFirst();
            expected.removeFirst();
        }
        assertThat(ring.isEmpty()).isTrue();
    }

    @Test
    void emptyIdAndData_andAnEventLargerThanTheRing_areKept() {
        HistoryRing ring = new HistoryRing();
        String big = "{\"x\":\"" + "é".repeat(5_000) + "\"}";
        ring.addLast(HistoryEntry.unnumbered(Event.accepted("", "t", "", 1)), 1);
        ring.addLast(HistoryEntry.unnumbered(Event.accepted("b", "t", big, 2)), 2);
        assertThat(ring.get(0).toEvent("t")).isEqualTo(new Event("", "t", "", 1, 1));
        assertThat(ring.get(1).toEvent("t")).isEqualTo(new Event("b", "t", big, 2, 2));
        assertThat(ring.seq(1)).isEqualTo(2);
        assertThat(ring.acceptedMicros(1)).isEqualTo(2);
        ring.removeFirst();
        ring.removeFirst();
        assertThatThrownBy(ring::removeFirst).isInstanceOf(IllegalStateException.class);
    }

    private static void assertSame(HistoryRing ring, ArrayDeque<Event> expected) {
        List<Event> actual = new ArrayList<>();
        for (HistoryEntry entry : ring.all()) {
            actual.add(entry.toEvent("t"));
        }
        assertThat(actual).containsExactlyElementsOf(expected);
    }

    /** Mostly small data, sometimes large enough to make the ring grow (and, once removed, shrink). */
    private static String data(Random random) {
        int length = random.nextInt(100) < 5 ? 500 + random.nextInt(3_000) : random.nextInt(80);
        StringBuilder data = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            data.append(random.nextInt(50) == 0 ? 'ü' : (char) ('a' + random.nextInt(26)));
        }
        return data.toString();
    }
}
