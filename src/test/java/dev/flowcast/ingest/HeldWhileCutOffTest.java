package dev.flowcast.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.HazelcastInstance;
import dev.flowcast.cluster.BareMember;
import dev.flowcast.cluster.ClusterClient;
import dev.flowcast.cluster.EventBatch;
import dev.flowcast.cluster.TopicHistory;
import dev.flowcast.config.TestSettings;
import dev.flowcast.event.Event;
import dev.flowcast.health.StallCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code memory} mode on a client node cut off from its external cluster: events it had admitted (and answered
 * {@code 202}) but not yet numbered are held until it is connected again, then numbered, not lost; a drain gives them
 * up instead of waiting for a cluster that may never come back. Real members and a real client on loopback; the
 * "cut" is the whole cluster gone (its only member terminated), the reconnect a new member on the same port.
 */
class HeldWhileCutOffTest {

    private static final int PORT = 6240;
    private final String cluster = "held-" + UUID.randomUUID();
    private final List<HazelcastInstance> members = new ArrayList<>();
    private ClusterClient client;

    @AfterEach
    void shutDown() {
        if (client != null) {
            client.instance().shutdown();
        }
        members.forEach(m -> m.getLifecycleService().terminate());
    }

    @Test
    void eventsAdmittedBeforeTheCut_areHeld_andNumberedOnceTheNodeIsConnectedAgain() throws Exception {
        HeldThreads workers = new HeldThreads();
        List<EventBatch> onBus = new CopyOnWriteArrayList<>();
        Ingest ingest = cutOffWithThreeAdmitted(workers, onBus);

        try (HeldThreads.Released released = workers.release()) {
            // the append failed while cut off (the client's 10 s call bound): held, not lost
            await().atMost(Duration.ofSeconds(60)).until(() -> ingest.heldEvents() == 3);
            // the stage makes no progress meanwhile, yet that is no stall for the liveness check: a restart would
            // lose what the node holds
            StallCheck check = new StallCheck(Duration.ofMillis(1));
            await().atMost(Duration.ofSeconds(10)).until(() -> !check.stalls(List.of(ingest.stage())).isEmpty());
            assertThat(check.stalls(Arrays.asList(ingest.stageToWatchForStalls()))).isEmpty();
            member(); // the cluster again (restarted whole: a new one)
            await().atMost(Duration.ofSeconds(60)).until(() -> events(onBus).size() == 3);
            assertThat(events(onBus)).extracting(Event::id).containsExactlyElementsOf(admittedIds);
            assertThat(events(onBus)).extracting(Event::seq).containsExactly(1L, 2L, 3L);
            assertThat(events(onBus)).extracting(Event::topic).containsOnly(topic);
            await().atMost(Duration.ofSeconds(10)).until(() -> ingest.heldEvents() == 0);
            assertThat(ingest.stageToWatchForStalls()).isSameAs(ingest.stage());
            ingest.drain(Duration.ofSeconds(10));
        }
    }

    @Test
    void aDrainWhileCutOff_givesTheHeldEventsUp_insteadOfWaitingForTheCluster() throws Exception {
        HeldThreads workers = new HeldThreads();
        List<EventBatch> onBus = new CopyOnWriteArrayList<>();
        Ingest ingest = cutOffWithThreeAdmitted(workers, onBus);

        try (HeldThreads.Released released = workers.release()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> ingest.heldEvents() == 3);
            ingest.drain(Duration.ofSeconds(1));
            await().atMost(Duration.ofSeconds(10)).until(() -> ingest.heldEvents() == 0); // the held call ended
            assertThat(onBus).isEmpty();
        }
    }

    /** What {@link #cutOffWithThreeAdmitted} published, and the ids it was answered. */
    private final List<String> admittedIds = new ArrayList<>();
    private String topic;

    /** A client node in memory mode with three events admitted (202) and unnumbered, then its cluster gone. */
    private Ingest cutOffWithThreeAdmitted(HeldThreads workers, List<EventBatch> onBus) throws Exception {
        HazelcastInstance first = member();
        client = ClusterClient.connect(cluster, List.of("127.0.0.1:" + PORT), Duration.ofSeconds(30));
        TopicHistory history = new TopicHistory(client.instance(), 100, 300, null).start();
        Ingest ingest = new Ingest();
        ingest.settings = TestSettings.ingest("memory", 100, "reject", 1);
        ingest.metrics = new IngestTest.CountingMetrics();
        ingest.init();
        ingest.start(workers, history, onBus::addAll, null,
                () -> client.isConnected() ? client.instance().getCluster().getMembers().size() : 0, () -> 0);
        topic = "held." + UUID.randomUUID();
        for (int i = 1; i <= 3; i++) { // memory mode: answered at admission, the worker is not running yet
            admittedIds.add(ingest.publishAsync(topic, Integer.toString(i)).toCompletableFuture().get().id());
        }
        first.getLifecycleService().terminate();
        await().atMost(Duration.ofSeconds(30)).until(() -> !client.isConnected());
        return ingest;
    }

    private static List<Event> events(List<EventBatch> onBus) {
        return onBus.stream().flatMap(batch -> batch.events().stream()).toList();
    }

    private HazelcastInstance member() {
        HazelcastInstance member = BareMember.start(cluster, PORT);
        members.add(member);
        return member;
    }
}
