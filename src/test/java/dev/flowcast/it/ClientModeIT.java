package dev.flowcast.it;

import static dev.flowcast.it.WsTestClient.isEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Client mode for real: a standalone Hazelcast member in its own process ({@code HazelcastMemberStarter} from the
 * hazelcast jar, with Flowcast's classes for its entry processors), and two Flowcast nodes as its clients. Events
 * published on one node reach the other's subscribers in order, history replays, and once the external member is
 * gone a SIGTERM still stops a node within its drain budget (FACTS.md: it used to hang). A node of a stock member
 * (the hazelcast jar alone) refuses to start and says what the member lacks.
 */
class ClientModeIT {

    private static final String KEY = "client-mode-it-key-0123456789";
    private static final int MEMBER_PORT = 6190;

    @Test
    void flowcastNodesAsClientsOfAnExternalMember_deliverAcrossNodes_andStopCleanlyOnceTheMemberIsGone() throws Exception {
        String cluster = "client-it-" + UUID.randomUUID();
        Process member = startMember(cluster, true);
        try {
            Map<String, String> env = Map.of(
                    "FLOWCAST_PUBLISH_KEY", KEY,
                    "FLOWCAST_CLUSTER_NAME", cluster,
                    "FLOWCAST_CLUSTER_CLIENT", "127.0.0.1:" + MEMBER_PORT,
                    "FLOWCAST_SHUTDOWN_DRAIN_TIMEOUT_MS", "3000");
            List<NodeProcess> nodes = NodeProcess.startAll(List.of("client-a", "client-b"), env);
            try {
                String topic = "public:client." + UUID.randomUUID().toString().substring(0, 8);
                Api onA = new Api(nodes.get(0).base());
                try (WsTestClient onB = WsTestClient.connect(nodes.get(1).base())) {
                    String epoch = onB.subscribeAndWait(topic).getString("epoch");
                    for (int n = 1; n <= 20; n++) {
                        assertThat(onA.post("api/topics/" + topic + "/events", "{\"n\":" + n + "}", "application/json",
                                "Bearer " + KEY).statusCode()).isEqualTo(202);
                    }
                    List<JsonObject> events = onB.awaitFrames(isEvent(topic), 20);
                    assertThat(events).extracting(e -> e.getJsonNumber("seq").longValue())
                            .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 20).boxed().toList());
                    try (WsTestClient replay = WsTestClient.connect(nodes.get(0).base())) {
                        replay.send("{\"type\":\"subscribe\",\"topic\":\"" + topic + "\",\"since\":10,\"epoch\":\""
                                + epoch + "\"}");
                        assertThat(replay.awaitFrames(isEvent(topic), 10)).extracting(e -> e.getString("id"))
                                .containsExactlyElementsOf(events.subList(10, 20).stream().map(e -> e.getString("id")).toList());
                    }
                }
                assertThat(nodes.get(0).logText()).contains("as a client of");

                member.destroyForcibly();
                member.waitFor(30, TimeUnit.SECONDS);
                NodeProcess a = nodes.get(0);
                await().atMost(Duration.ofSeconds(60)).until(() -> Api.getAbsolute(a.base(), "/health/ready").statusCode() != 200);
                a.signalTerm();
                assertThat(a.awaitExit(Duration.ofSeconds(60))).as("a client node whose cluster is gone exits on SIGTERM")
                        .isTrue();
            } finally {
                nodes.forEach(NodeProcess::close);
            }
        } finally {
            member.destroyForcibly();
        }
    }

    @Test
    void aNodeOfAStockHazelcastMember_withoutFlowcastsClasses_refusesToStart_andSaysWhatToDo() throws Exception {
        String cluster = "client-stock-" + UUID.randomUUID();
        Process member = startMember(cluster, false);
        try (NodeProcess node = NodeProcess.launch("client-of-stock-member", Map.of(
                "FLOWCAST_PUBLISH_KEY", KEY,
                "FLOWCAST_CLUSTER_NAME", cluster,
                "FLOWCAST_CLUSTER_CLIENT", "127.0.0.1:" + MEMBER_PORT))) {
            // before the check this node turned ready, answered 202 and logged every batch as lost
            String log = await().atMost(Duration.ofSeconds(900)).pollInterval(Duration.ofMillis(250))
                    .until(node::logText, text -> text.contains("Flowcast refuses to start") || text.contains("Flowcast ready"));
            assertThat(log).contains("cannot run Flowcast's entry processors").doesNotContain("Flowcast ready")
                    .contains("ClassNotFoundException: dev.flowcast.")
                    .contains("flowcast-classes.jar");
            assertThat(node.readyStatus()).isNotEqualTo(200);
        } finally {
            member.destroyForcibly();
        }
    }

    /**
     * The standalone member: the hazelcast jar, with Flowcast's classes or without them (a stock member), on
     * loopback, waited for until it listens.
     */
    private static Process startMember(String cluster, boolean withFlowcastClasses) throws IOException {
        String hazelcastJar = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> entry.matches(".*/hazelcast-5[^/]*\\.jar")).findFirst()
                .orElseThrow(() -> new IllegalStateException("the hazelcast jar is not on the test class path"));
        Path classes = Path.of(System.getProperty("flowcast.classes", "target/flowcast-classes.jar"));
        Path log = Path.of("target", "nodes", "client-mode-member.log");
        Files.createDirectories(log.getParent());
        Process member = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-Dhz.clustername=" + cluster,
                "-Dhz.network.port.port=" + MEMBER_PORT,
                "-Dhz.network.port.auto-increment=false",
                "-Dhz.network.join.multicast.enabled=false",
                "-Dhz.network.join.auto-detection.enabled=false",
                "-Dhazelcast.local.localAddress=127.0.0.1",
                "-Dhazelcast.phone.home.enabled=false",
                "-cp", withFlowcastClasses ? hazelcastJar + File.pathSeparator + classes : hazelcastJar,
                "com.hazelcast.core.server.HazelcastMemberStarter")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", MEMBER_PORT), 500);
                return true;
            } catch (IOException notYet) {
                return !member.isAlive();
            }
        });
        if (!member.isAlive()) {
            throw new IllegalStateException("the standalone member did not start; see " + log);
        }
        return member;
    }
}
