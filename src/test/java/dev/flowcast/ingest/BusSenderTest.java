package dev.flowcast.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flowcast.cluster.EventBatch;
import dev.flowcast.event.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bus sender with a bus whose round trips the test holds: the caller does not wait for the bus, a partition's
 * messages leave one at a time in call order while other partitions go on, past {@link BusSender#MAX_PENDING} the
 * caller waits, a refused message does not stop the ones after it, and the drain waits for every message.
 */
class BusSenderTest {

    private BusSender sender;

    @AfterEach
    void close() {
        if (sender != null) {
            sender.close();
        }
    }

    /** A bus whose publish blocks, per partition (the topic's first letter), until the test lets one through. */
    private static final class HeldBus {
        final List<String> sent = new CopyOnWriteArrayList<>();
        final Map<Character, Semaphore> gates = new ConcurrentHashMap<>();

        void publish(List<EventBatch> batches) {
            String topic = batches.get(0).topic();
            gates.computeIfAbsent(topic.charAt(0), c -> new Semaphore(0)).acquireUninterruptibly();
            sent.add(topic);
        }

        void letThrough(char partition, int messages) {
            gates.computeIfAbsent(partition, c -> new Semaphore(0)).release(messages);
        }
    }

    private static List<EventBatch> message(String topic) {
        return List.of(new EventBatch(topic, "e1", List.of(Event.accepted("id-" + topic, topic, "1", 1).withSeq(1))));
    }

    @Test
    void aPartitionsMessagesLeaveInCallOrder_otherPartitionsGoOn_andTheCallerNeverWaitsForTheBus() throws Exception {
        HeldBus bus = new HeldBus();
        sender = new BusSender(bus::publish, 2).start(Thread::new);

        sender.send(0, message("a1")); // held: partition 0's bus does not answer yet
        sender.send(0, message("a2"));
        sender.send(0, message("a3"));
        sender.send(1, message("b1"));
        bus.letThrough('b', 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> bus.sent.contains("b1"));
        assertThat(bus.sent).as("partition 1 went on while partition 0 waited").containsExactly("b1");
        assertThat(sender.awaitSent(Duration.ofMillis(1))).as("a1-a3 not sent yet").isFalse();

        bus.letThrough('a', 3);
        assertThat(sender.awaitSent(Duration.ofSeconds(10))).isTrue();
        assertThat(bus.sent).containsExactly("b1", "a1", "a2", "a3");
    }

    @Test
    void aRefusedMessage_isSkipped_andTheNextOnesStillLeave() throws Exception {
        List<String> sent = new CopyOnWriteArrayList<>();
        sender = new BusSender(batches -> {
            String topic = batches.get(0).topic();
            sent.add(topic);
            if (topic.equals("refused")) {
                throw new IllegalStateException("cluster gone");
            }
        }, 1).start(Thread::new);

        sender.send(0, message("refused"));
        sender.send(0, message("ok"));

        assertThat(sender.awaitSent(Duration.ofSeconds(10))).isTrue();
        assertThat(sent).containsExactly("refused", "ok");
    }

    @Test
    void pastMaxPendingMessages_theCallerWaitsForRoom() throws Exception {
        HeldBus bus = new HeldBus();
        sender = new BusSender(bus::publish, 1).start(Thread::new);
        // one taken by the sender thread (held in the bus), MAX_PENDING queued behind it
        sender.send(0, message("a0"));
        await().atMost(Duration.ofSeconds(10)).until(() -> bus.gates.get('a') != null
                && bus.gates.get('a').hasQueuedThreads());
        for (int i = 1; i <= BusSender.MAX_PENDING; i++) {
            sender.send(0, message("a" + i));
        }
        AtomicBoolean queued = new AtomicBoolean();
        Thread caller = new Thread(() -> {
            try {
                sender.send(0, message("a-one-too-many"));
                queued.set(true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        caller.start();

        // parked on the bound (a sender that did not wait would have finished: TERMINATED, queued true)
        await().atMost(Duration.ofSeconds(10)).until(() -> caller.getState() == Thread.State.WAITING);
        assertThat(queued).isFalse();
        bus.letThrough('a', 1);
        await().atMost(Duration.ofSeconds(10)).untilTrue(queued);

        bus.letThrough('a', BusSender.MAX_PENDING + 1);
        assertThat(sender.awaitSent(Duration.ofSeconds(10))).isTrue();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i <= BusSender.MAX_PENDING; i++) {
            expected.add("a" + i);
        }
        expected.add("a-one-too-many");
        assertThat(bus.sent).containsExactlyElementsOf(expected);
    }
}
