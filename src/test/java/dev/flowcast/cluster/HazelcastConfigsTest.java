package dev.flowcast.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class HazelcastConfigsTest {

    @Test
    void shouldFormASingleNodeCluster_withoutMulticast_whenNoMembersAreGiven() {
        Config config = HazelcastConfigs.member("c", 5701, List.of(), 0);
        assertThat(config.getNetworkConfig().getJoin().getMulticastConfig().isEnabled()).isFalse();
        assertThat(config.getNetworkConfig().getJoin().getTcpIpConfig().isEnabled()).isFalse();
        assertThat(config.getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("127.0.0.1");
    }

    @Test
    void aClient_retriesACallWhoseMemberDied_withinItsBoundedInvocationTimeout() {
        var config = HazelcastConfigs.client("c", List.of("127.0.0.1:5701"));
        assertThat(config.getNetworkConfig().isRedoOperation()).isTrue();
        assertThat(config.getProperty("hazelcast.client.invocation.timeout.seconds")).isEqualTo("10");
    }

    @Test
    void aClient_neverGivesUpReconnecting_andTriesAtLeastEveryTwoSeconds() {
        // a client that runs out of its cluster-connect timeout shuts itself down for good (ClusterClient bounds
        // the start instead, which is why the start is asynchronous)
        var strategy = HazelcastConfigs.client("c", List.of("127.0.0.1:5701")).getConnectionStrategyConfig();
        assertThat(strategy.getConnectionRetryConfig().getClusterConnectTimeoutMillis()).isEqualTo(-1);
        assertThat(strategy.getConnectionRetryConfig().getMaxBackoffMillis()).isEqualTo(2_000);
        assertThat(strategy.isAsyncStart()).isTrue();
    }

    @Test
    void shouldJoinTheGivenMembersOverTcpIp() {
        Config config = HazelcastConfigs.member("c", 5701, List.of("10.0.0.5:5701", "10.0.0.6:5701"), 0);
        assertThat(config.getNetworkConfig().getJoin().getTcpIpConfig().isEnabled()).isTrue();
        assertThat(config.getNetworkConfig().getJoin().getTcpIpConfig().getMembers())
                .containsExactly("10.0.0.5:5701", "10.0.0.6:5701");
        assertThat(config.getNetworkConfig().getInterfaces().isEnabled()).isFalse();
    }

    @Test
    void topicLogs_haveOneSynchronousBackup_andTheClusterEpochIsOnEveryMember() {
        Config config = HazelcastConfigs.member("c", 5701, List.of(), 7);
        assertThat(config.getMapConfig(HazelcastConfigs.TOPICS_MAP).getBackupCount()).isEqualTo(1);
        assertThat(config.getMapConfig(HazelcastConfigs.TOPICS_MAP).getAsyncBackupCount()).isZero();
        assertThat(config.getMapConfig(HazelcastConfigs.CLUSTER_MAP).getBackupCount()).isEqualTo(6);
        assertThat(config.getRingbufferConfig(EventBus.topicName(UUID.randomUUID(), 3)).getCapacity())
                .isEqualTo(HazelcastConfigs.BUS_CAPACITY);
        assertThat(config.getProperty("hazelcast.graceful.shutdown.max.wait")).isEqualTo("7");
    }

    @Test
    void onTwoProcessors_aMemberRunsOneIoThreadEachWay_andHandlesResponsesOnIt() {
        Config config = new Config();
        HazelcastConfigs.sizeThreads(config, 2);
        // the configuration's own properties: Config.getProperty would also show a -D given to the test JVM
        assertThat(config.getProperties().getProperty("hazelcast.io.thread.count")).isEqualTo("1");
        assertThat(config.getProperties().getProperty("hazelcast.operation.response.thread.count")).isEqualTo("0");
    }

    @Test
    void onMoreProcessors_HazelcastKeepsItsOwnThreadCounts() {
        Config config = new Config();
        HazelcastConfigs.sizeThreads(config, 4);
        assertThat(config.getProperties()).isEmpty();
    }

    @Test
    void anOperatorsSystemProperty_winsOverTheSmallMachineThreadCount() {
        System.setProperty("hazelcast.io.thread.count", "2");
        try {
            Config config = new Config();
            HazelcastConfigs.sizeThreads(config, 2);
            // not set in the configuration, so Hazelcast reads the -D (Config.getProperty would show the -D too)
            assertThat(config.getProperties().getProperty("hazelcast.io.thread.count")).isNull();
            assertThat(config.getProperties().getProperty("hazelcast.operation.response.thread.count")).isEqualTo("0");
        } finally {
            System.clearProperty("hazelcast.io.thread.count");
        }
    }

    @Test
    void aMemberStartedOnTwoProcessors_reallyHasOneInputAndOneOutputThread_andNoResponseThread() {
        Config config = HazelcastConfigs.member("threads-" + System.nanoTime(), 6180, List.of(), 0);
        HazelcastConfigs.sizeThreads(config, 2); // a machine of 2, whatever this one has
        HazelcastInstance member = Hazelcast.newHazelcastInstance(config);
        try {
            String prefix = "hz." + member.getName() + ".";
            List<String> names = Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                    .filter(name -> name.startsWith(prefix)).toList();
            assertThat(names).filteredOn(name -> name.contains("IO.thread-in")).hasSize(1);
            assertThat(names).filteredOn(name -> name.contains("IO.thread-out")).hasSize(1);
            assertThat(names).filteredOn(name -> name.contains(".response")).isEmpty();
            member.getMap("m").put("k", "v"); // and it still answers
            assertThat(member.getMap("m").get("k")).isEqualTo("v");
        } finally {
            member.shutdown();
        }
    }

    @Test
    void shouldRecognizeLoopbackMemberLists() {
        assertThat(HazelcastConfigs.allLoopback(List.of("127.0.0.1:5701", "localhost"))).isTrue();
        assertThat(HazelcastConfigs.allLoopback(List.of("127.0.0.1:5701", "10.1.2.3:5701"))).isFalse();
    }
}
