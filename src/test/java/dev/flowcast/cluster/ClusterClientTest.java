package dev.flowcast.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.InvalidConfigurationException;
import com.hazelcast.config.MapConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A client node's connection to its external cluster, with real members in this JVM: a start with no member to
 * reach is refused after its bound, and a client whose only member is gone keeps trying until a new one comes up.
 * (That it outlasts an outage longer than Hazelcast's former 30 s bound is shown end to end by ClientModeIT.)
 */
class ClusterClientTest {

    private static final int PORT = 6225;
    private final String cluster = "cluster-client-" + UUID.randomUUID();
    private final List<HazelcastInstance> members = new ArrayList<>();

    @AfterEach
    void shutDown() {
        HazelcastClient.getAllHazelcastClients().stream()
                .filter(c -> cluster.equals(c.getConfig().getClusterName()))
                .forEach(HazelcastInstance::shutdown);
        members.forEach(m -> m.getLifecycleService().terminate());
    }

    @Test
    void aStartWithNoMemberToReach_isRefusedAfterItsBound_sayingWhy_andLeavesNoClientRunning() {
        assertThatThrownBy(() -> ClusterClient.connect(cluster, List.of("127.0.0.1:" + PORT), Duration.ofSeconds(2)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no member of Hazelcast cluster '" + cluster + "' at [127.0.0.1:" + PORT + "]")
                .hasMessageContaining("within 2 s");
        assertThat(HazelcastClient.getAllHazelcastClients())
                .noneMatch(c -> cluster.equals(c.getConfig().getClusterName()) && c.getLifecycleService().isRunning());
    }

    @Test
    void whenItsOnlyMemberIsGone_theClientIsNotConnected_andConnectsToTheNextMemberThatComesUp() {
        HazelcastInstance first = member();
        ClusterClient client = ClusterClient.connect(cluster, List.of("127.0.0.1:" + PORT), Duration.ofSeconds(30));
        assertThat(client.isConnected()).isTrue();
        client.instance().getMap("m").set("k", "before");

        first.getLifecycleService().terminate();
        await().atMost(Duration.ofSeconds(30)).until(() -> !client.isConnected());
        assertThat(client.instance().getLifecycleService().isRunning()).as("still trying").isTrue();

        member();
        await().atMost(Duration.ofSeconds(60)).until(client::isConnected);
        client.instance().getMap("m").set("k", "after");
        assertThat(client.instance().getMap("m").get("k")).isEqualTo("after");
    }

    @Test
    void aClusterThatRefusesFlowcastsStructureConfiguration_refusesTheStart_sayingWhy() {
        // a member configured by its operator with a flowcast.* structure of its own: a dynamic configuration that
        // differs from a static one is refused by Hazelcast
        Config config = BareMember.config(cluster, PORT);
        config.addMapConfig(new MapConfig(HazelcastConfigs.TOPICS_MAP).setInMemoryFormat(InMemoryFormat.BINARY));
        members.add(Hazelcast.newHazelcastInstance(config));

        assertThatThrownBy(() -> ClusterClient.connect(cluster, List.of("127.0.0.1:" + PORT), Duration.ofSeconds(3)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Hazelcast cluster '" + cluster + "' at [127.0.0.1:" + PORT + "] answered")
                .hasMessageContaining("did not take the configuration of Flowcast's structures")
                .hasMessageContaining(HazelcastConfigs.TOPICS_MAP)
                .hasCauseInstanceOf(InvalidConfigurationException.class);
    }

    /** A member of the external cluster, as an operator starts it. */
    private HazelcastInstance member() {
        HazelcastInstance member = BareMember.start(cluster, PORT);
        members.add(member);
        return member;
    }
}
