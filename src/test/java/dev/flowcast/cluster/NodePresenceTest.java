package dev.flowcast.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link NodePresence} with a real member and real clients in this JVM: a client node learns that another one
 * stopped (its entry removed) or died (its entry expired: the client terminated without a word).
 */
class NodePresenceTest {

    private static final int PORT = 6210;
    private final String cluster = "presence-" + UUID.randomUUID();
    private final List<HazelcastInstance> instances = new ArrayList<>();
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1);

    @AfterEach
    void shutDown() {
        scheduler.shutdownNow();
        instances.forEach(i -> i.getLifecycleService().terminate());
    }

    @Test
    void aNodeLearnsThatAnotherStopped_andThatAnotherDied_butNeverOfItself() {
        instances.add(Hazelcast.newHazelcastInstance(HazelcastConfigs.member(cluster, PORT, List.of(), 0)));
        HazelcastInstance watching = client();
        HazelcastInstance stopping = client();
        HazelcastInstance dying = client();
        List<String> told = new CopyOnWriteArrayList<>();
        new NodePresence(watching, 1, 3).start(scheduler, told::add);
        NodePresence stopped = new NodePresence(stopping, 1, 3).start(scheduler, why -> { });
        new NodePresence(dying, 1, 3).start(scheduler, why -> { });
        assertThat(watching.getMap(NodePresence.MAP).size()).isEqualTo(3);

        stopped.stop();
        await().atMost(Duration.ofSeconds(30)).until(() -> told.size() == 1);
        assertThat(told.get(0)).contains(uuid(stopping)).endsWith(" stopped");

        String dyingId = uuid(dying);
        dying.getLifecycleService().terminate(); // no goodbye: its heartbeat stops, its entry expires
        await().atMost(Duration.ofSeconds(60)).until(() -> told.size() == 2);
        assertThat(told.get(1)).contains(dyingId).endsWith(" stopped answering");
        assertThat(told).noneMatch(why -> why.contains(uuid(watching)));
    }

    private HazelcastInstance client() {
        HazelcastInstance client = ClusterClient.connect(cluster, List.of("127.0.0.1:" + PORT), Duration.ofSeconds(30))
                .instance();
        instances.add(0, client);
        return client;
    }

    private static String uuid(HazelcastInstance client) {
        return client.getLocalEndpoint().getUuid().toString();
    }
}
