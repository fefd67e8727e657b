package dev.flowcast.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.cluster.Address;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.config.RingbufferConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.instance.impl.HazelcastInstanceProxy;
import com.hazelcast.instance.impl.Node;
import com.hazelcast.internal.partition.InternalPartition;
import com.hazelcast.ringbuffer.impl.RingbufferService;
import com.hazelcast.spi.impl.operationparker.impl.OperationParkerImpl;
import dev.flowcast.event.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bus when one of its rings starts again empty: a client node's external cluster restarted whole, or a ring lost
 * with its backup among members. A reliable-topic listener keeps reading from its old sequence, and Hazelcast parks
 * that read on the not yet existing new ring, then clamps it past the first message published there: that message
 * was skipped, silently, and the reads queued behind it held back (seen end to end: a live subscriber of a quiet
 * topic never got the first event after the restart).
 */
class EventBusRingRestartTest {

    private static final int PORT = 6227;
    private final String cluster = "bus-restart-" + UUID.randomUUID();
    private final List<HazelcastInstance> members = new ArrayList<>();
    private ClusterClient client;
    private EventBus bus;

    @AfterEach
    void shutDown() {
        if (bus != null) {
            bus.close();
        }
        if (client != null) {
            client.instance().shutdown();
        }
        members.forEach(m -> m.getLifecycleService().terminate());
    }

    @Test
    void afterTheWholeExternalClusterRestarts_theFirstMessageOnTheNewBusRing_reachesTheSink() {
        HazelcastInstance first = member();
        client = ClusterClient.connect(cluster, List.of("127.0.0.1:" + PORT), Duration.ofSeconds(30));
        bus = new EventBus(client);
        UUID firstCluster = bus.cluster();
        List<EventBatch> received = new CopyOnWriteArrayList<>();
        Set<Integer> lost = ConcurrentHashMap.newKeySet();
        bus.listen(received::add, lost::add);
        String topic = "restart.bus." + UUID.randomUUID();
        for (long seq = 1; seq <= 5; seq++) { // the partition's listener is at sequence 5 of the first ring
            bus.publish(List.of(batch(topic, "e1", seq)));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> received.size() == 5);

        first.getLifecycleService().terminate();
        await().atMost(Duration.ofSeconds(30)).until(() -> !client.isConnected());
        lost.clear();
        HazelcastInstance second = member();
        await().atMost(Duration.ofSeconds(60)).until(client::isConnected);
        // the bus has listened afresh on the new cluster's rings, and re-read: reads left over from the old cluster
        // wait on the new member as well (the case that skipped), but on the old rings' names
        await().atMost(Duration.ofSeconds(30)).until(() -> ClusterIds.of(second).equals(bus.relistenedOn())
                && bus.pendingRelistens() == 0);
        assertThat(lost).hasSize(EventBus.PARTITIONS);
        await().atMost(Duration.ofSeconds(30)).until(() -> parkedOperations(second) >= EventBus.PARTITIONS);

        bus.publish(List.of(batch(topic, "e2", 1)));
        await().atMost(Duration.ofSeconds(30)).until(() -> received.size() == 6);
        assertThat(received.get(5).epoch()).isEqualTo("e2");

        // the new cluster's rings: named after it, and configured as Flowcast's (before they had Hazelcast's
        // defaults on 2 to 8 of 8 rings: reads left over from the old cluster created them before the re-add)
        assertThat(bus.cluster()).isNotEqualTo(firstCluster).isEqualTo(ClusterIds.of(second));
        Map<String, RingbufferConfig> rings = busRings(second, bus.cluster());
        assertThat(rings).hasSize(EventBus.PARTITIONS);
        assertThat(rings.values()).allSatisfy(config -> {
            assertThat(config.getCapacity()).isEqualTo(HazelcastConfigs.BUS_CAPACITY);
            assertThat(config.getTimeToLiveSeconds()).isEqualTo(HazelcastConfigs.BUS_TTL_SECONDS);
        });
    }

    /** The configuration of each bus ring of the cluster that the member holds, by ring name. */
    private static Map<String, RingbufferConfig> busRings(HazelcastInstance member, UUID cluster) {
        String prefix = "_hz_rb_" + HazelcastConfigs.BUS_PREFIX + cluster + ".";
        RingbufferService rings = node(member).nodeEngine.getService(RingbufferService.SERVICE_NAME);
        Map<String, RingbufferConfig> found = new TreeMap<>();
        rings.getContainers().values().forEach(partition -> partition.forEach((namespace, container) -> {
            if (namespace.getObjectName().startsWith(prefix)) {
                found.put(namespace.getObjectName(), container.getConfig());
            }
        }));
        return found;
    }

    @Test
    void whenABusRingIsLostWithItsBackup_theFirstMessageOnTheNewRing_reachesASurvivingMembersSink() {
        String members = "bus-ring-loss-" + UUID.randomUUID();
        List<String> seeds = List.of("127.0.0.1:6230", "127.0.0.1:6231", "127.0.0.1:6232");
        List<HazelcastInstance> three = new ArrayList<>();
        for (int port = 6230; port <= 6232; port++) {
            HazelcastInstance member = Hazelcast.newHazelcastInstance(HazelcastConfigs.member(members, port, seeds, 0));
            this.members.add(member);
            three.add(member);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> three.get(0).getCluster().getMembers().size() == 3);
        // the bus ring of partition 0 lives on two members (owner and backup); listen on the third, then kill both
        int ring = three.get(0).getPartitionService().getPartition("_hz_rb_" + EventBus.topicName(ClusterIds.of(three.get(0)), 0))
                .getPartitionId();
        await().atMost(Duration.ofSeconds(30)).until(() -> replicaHolders(three, ring).size() == 2);
        List<HazelcastInstance> holders = replicaHolders(three, ring);
        HazelcastInstance survivor = three.stream().filter(m -> !holders.contains(m)).findFirst().orElseThrow();
        bus = new EventBus(survivor);
        List<EventBatch> received = new CopyOnWriteArrayList<>();
        Set<Integer> lost = ConcurrentHashMap.newKeySet();
        bus.listen(received::add, lost::add);
        String topic = IntStream.range(0, 1000).mapToObj(i -> "ring.loss." + i)
                .filter(t -> EventBus.partitionOf(t) == 0).findFirst().orElseThrow();
        for (long seq = 1; seq <= 5; seq++) {
            bus.publish(List.of(batch(topic, "e1", seq)));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> received.size() == 5);

        lost.clear();
        holders.forEach(m -> m.getLifecycleService().terminate()); // both copies of the ring at once
        await().atMost(Duration.ofSeconds(60)).until(() -> survivor.getCluster().getMembers().size() == 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> lost.size() == EventBus.PARTITIONS);
        await().atMost(Duration.ofSeconds(30)).until(() -> parkedOperations(survivor) >= EventBus.PARTITIONS);

        bus.publish(List.of(batch(topic, "e2", 1)));
        await().atMost(Duration.ofSeconds(30)).until(() -> received.size() == 6);
        assertThat(received.get(5).epoch()).isEqualTo("e2");
    }

    /** The members that hold a copy (owner or first backup) of the partition. */
    private static List<HazelcastInstance> replicaHolders(List<HazelcastInstance> members, int partitionId) {
        InternalPartition partition = node(members.get(0)).getPartitionService().getPartition(partitionId);
        List<Address> holders = new ArrayList<>();
        for (int replica = 0; replica <= 1; replica++) {
            if (partition.getReplica(replica) != null) {
                holders.add(partition.getReplica(replica).address());
            }
        }
        return members.stream().filter(m -> holders.contains(m.getCluster().getLocalMember().getAddress())).toList();
    }

    private static Node node(HazelcastInstance member) {
        return ((HazelcastInstanceProxy) member).getOriginal().node;
    }

    private static EventBatch batch(String topic, String epoch, long seq) {
        return new EventBatch(topic, epoch, List.of(new Event("id-" + epoch + "-" + seq, topic, "1", seq, seq)));
    }

    private static int parkedOperations(HazelcastInstance member) {
        return ((OperationParkerImpl) node(member).nodeEngine.getOperationParker()).getTotalParkedOperationCount();
    }

    private HazelcastInstance member() {
        HazelcastInstance member = BareMember.start(cluster, PORT);
        members.add(member);
        return member;
    }
}
