package dev.flowcast.it;

import static dev.flowcast.it.WsTestClient.isEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.HazelcastInstance;
import dev.flowcast.cluster.ClusterClient;
import dev.flowcast.cluster.TopicHistory;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Client mode for real: a standalone Hazelcast member in its own process ({@code HazelcastMemberStarter} from the
 * hazelcast jar, with Flowcast's classes for its entry processors), and two Flowcast nodes as its clients. Events
 * published on one node reach the other's subscribers in order, history replays, and once the external member is
 * gone a SIGTERM still stops a node within its drain budget (FACTS.md: it used to hang). A node learns that
 * another client node died (its heartbeat entry expired) and re-reads its topics. A node of a stock member
 * (the hazelcast jar alone) refuses to start and says what the member lacks. A node outlives a long outage of its
 * whole cluster, refusing publishes meanwhile.
 */
class ClientModeIT {

    private static final String KEY = "client-mode-it-key-0123456789";
    private static final int MEMBER_PORT = 6190;
    /** Numbers each standalone member's log, so a member started again on a port does not overwrite the first's. */
    private static final AtomicInteger MEMBER_STARTS = new AtomicInteger();

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

                // another client node's death is no membership change: its heartbeat entry expires, and A re-reads
                // its subscribed topics (what B had numbered but not yet put on the bus is then delivered)
                nodes.get(1).kill();
                await().atMost(Duration.ofSeconds(90)).until(() -> nodes.get(0).logText()
                        .contains("stopped answering: re-reading every subscribed topic's history"));

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
     * {@code replicated} on an external cluster of three standalone members, two Flowcast nodes as its clients, both
     * publishing at a steady pace: the member that owns the topic's log killed with SIGKILL mid-stream loses no event
     * that got a {@code 202} (the topic logs keep one synchronous backup on the external cluster, added by the nodes'
     * dynamic configuration), and the subscribers on both nodes see every one once, in seq order, with no {@code gap}.
     * Then node B itself is killed mid-stream: every event B answered {@code 202} is held by the cluster, so A's
     * subscriber, and B's client resuming on A with its {@code since}/{@code epoch}, get every accepted event once, in
     * order, no gap (what B numbered but had not yet put on the bus comes from history once A learns of B's death).
     */
    @Test
    void replicated_whenAnExternalMemberThenAClientNodeAreKilledMidStream_everyAcceptedEventReachesTheClientsOnce()
            throws Exception {
        String cluster = "client-replicated-" + UUID.randomUUID();
        List<Integer> ports = List.of(MEMBER_PORT + 1, MEMBER_PORT + 2, MEMBER_PORT + 3);
        List<Process> members = new ArrayList<>();
        try {
            for (int port : ports) {
                members.add(startMember(cluster, port, ports, true));
            }
            Map<String, String> env = Map.of(
                    "FLOWCAST_PUBLISH_KEY", KEY,
                    "FLOWCAST_DURABILITY", "replicated",
                    "FLOWCAST_CLUSTER_NAME", cluster,
                    "FLOWCAST_CLUSTER_CLIENT", ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(",")),
                    "FLOWCAST_SHUTDOWN_DRAIN_TIMEOUT_MS", "3000");
            List<NodeProcess> nodes = NodeProcess.startAll(List.of("client-replicated-a", "client-replicated-b"), env);
            try (WsTestClient onA = WsTestClient.connect(nodes.get(0).base());
                 WsTestClient onB = WsTestClient.connect(nodes.get(1).base())) {
                String topic = "public:client.kill." + UUID.randomUUID().toString().substring(0, 8);
                onA.subscribeAndWait(topic);
                onB.subscribeAndWait(topic);
                List<String> accepted = new ArrayList<>();
                try (SteadyPublisher toA = new SteadyPublisher(nodes.get(0), KEY, topic, 20_000, 300);
                     SteadyPublisher toB = new SteadyPublisher(nodes.get(1), KEY, topic, 20_000, 300)) {
                    await().atMost(Duration.ofSeconds(60)).until(() -> toA.accepted().size() >= 50);
                    Process owner = members.get(ports.indexOf(ownerPortOfTopicLog(cluster, ports, topic)));
                    owner.destroyForcibly(); // kill -9 of the member that holds the topic's log: its backup takes over
                    owner.waitFor(30, TimeUnit.SECONDS);
                    int atKill = toA.accepted().size();
                    await().atMost(Duration.ofSeconds(120)).until(() -> toA.accepted().size() >= atKill + 50
                            && toB.accepted().size() >= 100);
                    toA.close();
                    toB.close();
                    accepted.addAll(toA.accepted());
                    accepted.addAll(toB.accepted());
                    // the nodes' calls to the dead member are retried on its backup, not failed as 503s
                    assertThat(toA.refused() + toB.refused()).as("publishes refused").isZero();
                }
                List<JsonObject> fromA = AcceptedEvents.awaitAll(onA, topic, accepted);
                List<JsonObject> fromB = AcceptedEvents.awaitAll(onB, topic, accepted);
                AcceptedEvents.assertExactlyOnceInOrder(fromA, accepted);
                AcceptedEvents.assertExactlyOnceInOrder(fromB, accepted);
                assertThat(AcceptedEvents.ids(fromB)).isEqualTo(AcceptedEvents.ids(fromA));
                for (WsTestClient client : List.of(onA, onB)) {
                    assertThat(client.frames()).noneMatch(WsTestClient.ofType("gap"));
                }

                // now a client node dies mid-stream: kill -9 of node B while both nodes take publishes
                List<String> acceptedThen = new ArrayList<>();
                try (SteadyPublisher toA = new SteadyPublisher(nodes.get(0), KEY, topic, 20_000, 300);
                     SteadyPublisher toB = new SteadyPublisher(nodes.get(1), KEY, topic, 20_000, 300)) {
                    await().atMost(Duration.ofSeconds(60)).until(() -> toB.accepted().size() >= 50);
                    nodes.get(1).kill();
                    int atKill = toA.accepted().size();
                    await().atMost(Duration.ofSeconds(120)).until(() -> toA.accepted().size() >= atKill + 50);
                    toA.close();
                    toB.close();
                    acceptedThen.addAll(toA.accepted());
                    acceptedThen.addAll(toB.accepted());
                    assertThat(toA.refused()).as("publishes refused by the surviving node").isZero();
                }
                List<String> all = new ArrayList<>(accepted);
                all.addAll(acceptedThen);
                AcceptedEvents.assertExactlyOnceInOrder(AcceptedEvents.awaitAll(onA, topic, all), all);
                assertThat(onA.frames()).noneMatch(WsTestClient.ofType("gap"));

                // B's client resumes on A from the last event it saw
                List<JsonObject> seenOnB = onB.events(topic);
                JsonObject last = seenOnB.get(seenOnB.size() - 1);
                try (WsTestClient resumed = resume(nodes.get(0), topic, AcceptedEvents.seq(last), epochOf(onB, topic))) {
                    List<String> missed = all.stream().filter(id -> !AcceptedEvents.ids(seenOnB).contains(id)).toList();
                    List<JsonObject> replayed = AcceptedEvents.awaitAll(resumed, topic, missed);
                    assertThat(AcceptedEvents.seq(replayed.get(0))).isEqualTo(AcceptedEvents.seq(last) + 1);
                    assertThat(AcceptedEvents.ids(replayed)).doesNotHaveDuplicates();
                    assertThat(resumed.frames()).noneMatch(WsTestClient.ofType("gap"));
                }
            } finally {
                nodes.forEach(NodeProcess::close);
            }
        } finally {
            members.forEach(Process::destroyForcibly);
        }
    }

    /**
     * The whole external cluster down for longer than the 30 s Hazelcast gave a client node before (its client then
     * shut itself down for good: the node stayed up, never ready again): the node turns not ready at once, answers
     * publishes with 503 all along, closes its connections with 1001 past the grace (so clients go to another node),
     * reconnects when a new cluster comes up, and in {@code memory} mode its topics start a new epoch there (the
     * history is gone: a resuming client gets a {@code gap}), never a silent skip.
     */
    @Test
    void memory_whenTheWholeExternalClusterIsDownForLong_theNodeRefusesMeanwhile_thenReconnects_underANewEpoch()
            throws Exception {
        wholeClusterOutage(Map.of(), Duration.ofSeconds(35), (node, live, topic, oldEpoch) -> {
            // cut off past the grace, the node sent its clients away (to another node, had there been one)
            assertThat(live.awaitClose()).isEqualTo(1001);
            assertThat(live.closeReason()).isEqualTo("this node lost its cluster");

            try (WsTestClient resuming = resume(node, topic, 5, oldEpoch)) {
                JsonObject subscribed = resuming.awaitFrame(WsTestClient.ofType("subscribed"));
                assertThat(subscribed.getString("epoch")).as("the history is gone: a new epoch").isNotEqualTo(oldEpoch);
                assertThat(subscribed.getJsonNumber("seq").longValue()).isEqualTo(1);
                JsonObject gap = resuming.awaitFrame(WsTestClient.ofType("gap"));
                assertThat(gap.getJsonNumber("from").longValue()).isEqualTo(1);
                assertThat(gap.getJsonNumber("to").longValue()).isEqualTo(1);
                // and it follows the new history live
                assertThat(publish(new Api(node.base()), topic, 7).statusCode()).isEqualTo(202);
                JsonObject next = resuming.awaitFrame(isEvent(topic));
                assertThat(next.getJsonNumber("seq").longValue()).isEqualTo(2);
                assertThat(next.getJsonObject("data").getInt("n")).isEqualTo(7);
            }
        });
    }

    /**
     * The same outage, shorter than the grace, in {@code persistent} mode (PostgreSQL): the live subscriber stays,
     * and the store outlives the cluster, so after the reconnect the topic continues where it stopped, under its
     * epoch: the live subscriber's next event is seq 6, and a client resuming with {@code since=5} and the epoch gets
     * it, no {@code gap}.
     */
    @Test
    void persistent_whenTheWholeExternalClusterIsDown_theNodeReconnects_andItsTopicsContinueFromTheStore()
            throws Exception {
        try (PostgresServer postgres = PostgresServer.start()) {
            wholeClusterOutage(Map.of(
                    "FLOWCAST_DURABILITY", "persistent",
                    "FLOWCAST_STORE_URL", postgres.jdbcUrl(),
                    "FLOWCAST_STORE_USER", "postgres"), Duration.ofSeconds(3), (node, live, topic, epoch) -> {
                JsonObject next = live.awaitFrames(isEvent(topic), 6).get(5);
                assertThat(next.getJsonNumber("seq").longValue()).isEqualTo(6);
                assertThat(next.getJsonObject("data").getInt("n")).isEqualTo(6);
                assertThat(live.frames().stream().filter(WsTestClient.ofType("subscribed")).toList())
                        .as("no restart announced: same history").hasSize(1);
                assertThat(live.frames()).noneMatch(WsTestClient.ofType("gap"));
                assertThat(live.isClosed()).isFalse();

                try (WsTestClient resuming = resume(node, topic, 5, epoch)) {
                    JsonObject subscribed = resuming.awaitFrame(WsTestClient.ofType("subscribed"));
                    assertThat(subscribed.getString("epoch")).isEqualTo(epoch);
                    assertThat(resuming.awaitFrame(isEvent(topic)).getJsonNumber("seq").longValue()).isEqualTo(6);
                    assertThat(resuming.frames()).noneMatch(WsTestClient.ofType("gap"));
                }
            });
        }
    }

    /**
     * One client node cut off from a cluster that lives on (its link to the member broken: here a TCP relay it reaches
     * the member through, closed), while another node keeps its own link: past the grace the cut-off node closes its
     * connections with 1001, and a client resuming on the other node with its {@code since}/{@code epoch} gets every
     * event published meanwhile, no {@code gap}.
     */
    @Test
    void whenOneNodeIsCutOffWhileTheClusterLivesOn_itsClientsAreSentAway_andResumeOnAnotherNodeWithoutAGap()
            throws Exception {
        String cluster = "client-cut-" + UUID.randomUUID();
        int port = MEMBER_PORT + 6;
        try (TcpRelay link = new TcpRelay(port)) {
            // the member tells clients to use the relay, so node A's every connection to it goes through the relay;
            // node B keeps the direct connection it started with (one per member)
            Process member = startMember(cluster, port, List.of(port), true, "127.0.0.1:" + link.port());
            try {
                Map<String, String> common = Map.of("FLOWCAST_PUBLISH_KEY", KEY, "FLOWCAST_CLUSTER_NAME", cluster,
                        "FLOWCAST_SHUTDOWN_DRAIN_TIMEOUT_MS", "3000");
                Map<String, Map<String, String>> envs = new LinkedHashMap<>();
                envs.put("client-cut-a", with(common, "FLOWCAST_CLUSTER_CLIENT", "127.0.0.1:" + link.port()));
                envs.put("client-cut-b", with(common, "FLOWCAST_CLUSTER_CLIENT", "127.0.0.1:" + port));
                List<NodeProcess> nodes = NodeProcess.startAll(envs);
                try (WsTestClient onA = WsTestClient.connect(nodes.get(0).base())) {
                    NodeProcess a = nodes.get(0);
                    Api b = new Api(nodes.get(1).base());
                    String topic = "public:client.cut." + UUID.randomUUID().toString().substring(0, 8);
                    String epoch = onA.subscribeAndWait(topic).getString("epoch");
                    for (int n = 1; n <= 3; n++) {
                        assertThat(publish(b, topic, n).statusCode()).isEqualTo(202);
                    }
                    onA.awaitFrames(isEvent(topic), 3);

                    link.close(); // A's link to the cluster is gone; B's is not
                    await().atMost(Duration.ofSeconds(20)).until(() -> a.readyStatus() != 200);
                    assertThat(nodes.get(1).readyStatus()).isEqualTo(200);
                    List<String> meanwhile = new ArrayList<>();
                    for (int n = 4; n <= 8; n++) {
                        HttpResponse<String> accepted = publish(b, topic, n);
                        assertThat(accepted.statusCode()).isEqualTo(202);
                        meanwhile.add(Json.createReader(new StringReader(accepted.body())).readObject().getString("id"));
                    }
                    assertThat(onA.awaitClose()).isEqualTo(1001);
                    assertThat(onA.closeReason()).isEqualTo("this node lost its cluster");

                    try (WsTestClient resumed = resume(nodes.get(1), topic, 3, epoch)) {
                        List<JsonObject> events = AcceptedEvents.awaitAll(resumed, topic, meanwhile);
                        assertThat(events).extracting(AcceptedEvents::seq).containsExactly(4L, 5L, 6L, 7L, 8L);
                        assertThat(resumed.frames()).noneMatch(WsTestClient.ofType("gap"));
                    }
                    assertThat(a.isAlive()).isTrue();
                } finally {
                    nodes.forEach(NodeProcess::close);
                }
            } finally {
                member.destroyForcibly();
            }
        }
    }

    private static Map<String, String> with(Map<String, String> env, String key, String value) {
        Map<String, String> more = new HashMap<>(env);
        more.put(key, value);
        return more;
    }

    /** What is checked once the node is back: its live subscriber has 5 events before the outage, one published after. */
    @FunctionalInterface
    private interface AfterOutage {
        void check(NodeProcess node, WsTestClient live, String topic, String epochBefore) throws Exception;
    }

    /**
     * One client node of a one-member external cluster, a live subscriber with 5 events; the member killed with
     * SIGKILL, the outage held for {@code outage} while the node must stay up, not ready, refusing publishes with
     * 503, subscribes with {@code unavailable} and new connections with 503; a new member started on the same port;
     * the node ready again and one more event ({@code "n":6}) accepted and seen by a new subscriber.
     */
    private static void wholeClusterOutage(Map<String, String> modeEnv, Duration outage, AfterOutage then)
            throws Exception {
        String cluster = "client-outage-" + UUID.randomUUID();
        int port = MEMBER_PORT + 5;
        Map<String, String> env = new HashMap<>(modeEnv);
        env.putAll(Map.of(
                "FLOWCAST_PUBLISH_KEY", KEY,
                "FLOWCAST_CLUSTER_NAME", cluster,
                "FLOWCAST_CLUSTER_CLIENT", "127.0.0.1:" + port,
                "FLOWCAST_SHUTDOWN_DRAIN_TIMEOUT_MS", "3000"));
        Process first = startMember(cluster, port, List.of(port), true);
        Process second = null;
        try (NodeProcess node = NodeProcess.start("client-outage-" + modeEnv.getOrDefault("FLOWCAST_DURABILITY", "memory"), env);
             WsTestClient live = WsTestClient.connect(node.base())) {
            Api api = new Api(node.base());
            String topic = "public:client.outage." + UUID.randomUUID().toString().substring(0, 8);
            String epoch = live.subscribeAndWait(topic).getString("epoch");
            for (int n = 1; n <= 5; n++) {
                assertThat(publish(api, topic, n).statusCode()).isEqualTo(202);
            }
            live.awaitFrames(isEvent(topic), 5);

            first.destroyForcibly();
            first.waitFor(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(20)).until(() -> node.readyStatus() != 200);
            HttpResponse<String> refused = publish(api, topic, 0);
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.body()).contains("lost its Hazelcast cluster");
            // an open connection's subscribe is refused at once, and a new connection outright: go to another node
            live.subscribe(topic + ".other");
            JsonObject error = live.awaitFrame(WsTestClient.ofType("error"));
            assertThat(error.getString("code")).isEqualTo("unavailable");
            assertThat(error.getString("message")).contains("lost its Hazelcast cluster");
            assertThatThrownBy(() -> WsTestClient.connect(node.base()).close())
                    .hasMessageContaining("HTTP 503").hasMessageContaining("lost its Hazelcast cluster");
            // all along the outage the node must neither die nor accept
            await().during(outage).atMost(outage.plusSeconds(15)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> node.isAlive() && node.readyStatus() == 503 && publish(api, topic, 0).statusCode() == 503);

            second = startMember(cluster, port, List.of(port), true);
            await().atMost(Duration.ofSeconds(60)).until(() -> node.readyStatus() == 200);
            assertThat(node.logText()).contains("connected to the Hazelcast cluster again");
            try (WsTestClient watcher = WsTestClient.connect(node.base())) {
                watcher.subscribeAndWait(topic);
                assertThat(publish(api, topic, 6).statusCode()).isEqualTo(202);
                // a memory 202 comes before the numbering: the checks below start once the event is on the bus
                assertThat(watcher.awaitFrame(isEvent(topic)).getJsonObject("data").getInt("n")).isEqualTo(6);
            }
            then.check(node, live, topic, epoch);
        } finally {
            first.destroyForcibly();
            if (second != null) {
                second.destroyForcibly();
            }
        }
    }

    private static HttpResponse<String> publish(Api api, String topic, int n) {
        return api.post("api/topics/" + topic + "/events", "{\"n\":" + n + "}", "application/json", "Bearer " + KEY);
    }

    /** The epoch the client's subscription to the topic was answered with. */
    private static String epochOf(WsTestClient client, String topic) {
        return client.frames().stream().filter(WsTestClient.ofType("subscribed"))
                .filter(frame -> topic.equals(frame.getString("topic"))).findFirst().orElseThrow().getString("epoch");
    }

    /** A new connection to the node, subscribing to the topic with {@code since} and {@code epoch}. */
    private static WsTestClient resume(NodeProcess node, String topic, long since, String epoch) {
        WsTestClient client = WsTestClient.connect(node.base());
        client.send("{\"type\":\"subscribe\",\"topic\":\"" + topic + "\",\"since\":" + since + ",\"epoch\":\""
                + epoch + "\"}");
        return client;
    }

    /** The port of the member that owns the partition of the topic's log, as a client of the cluster sees it. */
    private static int ownerPortOfTopicLog(String cluster, List<Integer> ports, String topic) {
        HazelcastInstance client = ClusterClient.connect(cluster, ports.stream().map(p -> "127.0.0.1:" + p).toList(),
                Duration.ofSeconds(30)).instance();
        try {
            // a new client learns the partition table shortly after it connects
            return await().atMost(Duration.ofSeconds(30)).until(
                    () -> client.getPartitionService().getPartition(TopicHistory.shardOf(topic)).getOwner(),
                    Objects::nonNull).getAddress().getPort();
        } finally {
            client.shutdown();
        }
    }

    /** A standalone member of a one-member cluster on {@link #MEMBER_PORT}. */
    private static Process startMember(String cluster, boolean withFlowcastClasses) throws IOException {
        return startMember(cluster, MEMBER_PORT, List.of(MEMBER_PORT), withFlowcastClasses);
    }

    /**
     * A standalone member: the hazelcast jar, with Flowcast's classes or without them (a stock member), on loopback
     * port {@code port}, joining the members on {@code clusterPorts} over TCP/IP (its own YAML configuration, as an
     * operator would write it), waited for until it listens.
     */
    private static Process startMember(String cluster, int port, List<Integer> clusterPorts, boolean withFlowcastClasses)
            throws IOException {
        return startMember(cluster, port, clusterPorts, withFlowcastClasses, null);
    }

    /** As above; {@code publicAddress}, when not null, is the address the member tells its clients to use. */
    private static Process startMember(String cluster, int port, List<Integer> clusterPorts, boolean withFlowcastClasses,
            String publicAddress) throws IOException {
        String hazelcastJar = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> entry.matches(".*/hazelcast-5[^/]*\\.jar")).findFirst()
                .orElseThrow(() -> new IllegalStateException("the hazelcast jar is not on the test class path"));
        Path classes = Path.of(System.getProperty("flowcast.classes", "target/flowcast-classes.jar"));
        Path log = Path.of("target", "nodes", "client-mode-member-" + port + "-" + MEMBER_STARTS.incrementAndGet() + ".log");
        Path config = Path.of("target", "nodes", "client-mode-member-" + port + ".yaml");
        Files.createDirectories(log.getParent());
        Files.writeString(config, String.join("\n",
                "hazelcast:",
                "  cluster-name: " + cluster,
                "  properties:",
                "    hazelcast.phone.home.enabled: false",
                "  network:",
                "    port: {port: " + port + ", auto-increment: false}",
                publicAddress == null ? "" : "    public-address: " + publicAddress,
                "    interfaces: {enabled: true, interfaces: [127.0.0.1]}",
                "    join:",
                "      auto-detection: {enabled: false}",
                "      multicast: {enabled: false}",
                "      tcp-ip:",
                "        enabled: true",
                "        member-list: [" + clusterPorts.stream().map(p -> "127.0.0.1:" + p)
                        .collect(Collectors.joining(", ")) + "]",
                ""));
        Process member = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-Dhazelcast.config=" + config.toAbsolutePath(),
                "-cp", withFlowcastClasses ? hazelcastJar + File.pathSeparator + classes : hazelcastJar,
                "com.hazelcast.core.server.HazelcastMemberStarter")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
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
