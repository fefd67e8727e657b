package dev.flowcast.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import java.util.List;
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
        assertThat(config.getRingbufferConfig(HazelcastConfigs.BUS_PREFIX + "3").getCapacity())
                .isEqualTo(HazelcastConfigs.BUS_CAPACITY);
        assertThat(config.getProperty("hazelcast.graceful.shutdown.max.wait")).isEqualTo("7");
    }

    @Test
    void shouldRecognizeLoopbackMemberLists() {
        assertThat(HazelcastConfigs.allLoopback(List.of("127.0.0.1:5701", "localhost"))).isTrue();
        assertThat(HazelcastConfigs.allLoopback(List.of("127.0.0.1:5701", "10.1.2.3:5701"))).isFalse();
    }
}
