package dev.flowcast.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.nio.serialization.HazelcastSerializationException;
import com.hazelcast.partition.PartitionService;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Checks, once when a client node starts, that the members of the external cluster can run Flowcast's entry
 * processors ({@link TopicLogOps}): the members deserialize and run them, so they need Flowcast's classes on their
 * class path (README "Client mode"). Without the check a node of a stock Hazelcast cluster turned ready, answered
 * {@code 202} and then logged every batch as lost ({@code ClassNotFoundException: dev.flowcast.cluster.TopicLogOps$Append}
 * on the member); with it the node refuses to start and says what to do.
 *
 * <p>How: one read-only {@link TopicLogOps.Read} of a topic that never exists on a key of every partition, all in
 * flight at once (271 small calls by default), so every member that owns a partition runs one, whatever the client
 * knows yet of who owns what. It creates nothing (read-only, absent topic). A member added later without the
 * classes is not seen: its batches fail as before, in the log. Threading: called once, from the starting thread.
 */
final class MemberCodeCheck {

    /** The map the probes read: the one every entry processor of Flowcast runs on. */
    static final String PROBED_MAP = HazelcastConfigs.TOPICS_MAP;
    /** A topic name no client can publish (topic names are {@code [A-Za-z0-9_.:-]}: no spaces). */
    static final String PROBE_TOPIC = "flowcast code check";
    /** Keys tried in all to find one per partition (about 271 × ln 271 ≈ 1 500 needed with the default count). */
    private static final int MAX_KEYS_TRIED = 100_000;

    private MemberCodeCheck() {
    }

    /**
     * Probes every partition's owner.
     *
     * @throws IllegalStateException when a member cannot run Flowcast's code: why, and what to do
     */
    static void verify(HazelcastInstance client, String clusterName) {
        IMap<String, TopicLogShard> logs = client.getMap(PROBED_MAP);
        Map<String, CompletableFuture<LogAnswer>> probes = new LinkedHashMap<>();
        for (String key : keyPerPartition(client)) {
            probes.put(key, logs.submitToKey(key, new TopicLogOps.Read(PROBE_TOPIC, 1, 0, 0)).toCompletableFuture());
        }
        for (Map.Entry<String, CompletableFuture<LogAnswer>> probe : probes.entrySet()) {
            try {
                probe.getValue().join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof HazelcastSerializationException cannotRun) {
                    // not always the owner that failed: the member a client call reaches deserializes it first
                    throw new IllegalStateException("Flowcast refuses to start: a member of Hazelcast cluster '"
                            + clusterName + "' cannot run Flowcast's entry processors (" + rootCause(cannotRun)
                            + "): start every member with this build's flowcast-classes.jar on its class path"
                            + " (README \"Client mode\"); members: " + client.getCluster().getMembers(), cannotRun);
                }
                throw e;
            }
        }
    }

    /** One key for each partition of the cluster, in partition order. */
    static List<String> keyPerPartition(HazelcastInstance client) {
        PartitionService partitions = client.getPartitionService();
        String[] keys = new String[partitions.getPartitions().size()];
        int found = 0;
        for (int i = 0; i < MAX_KEYS_TRIED && found < keys.length; i++) {
            String key = "flowcast.code-check." + i;
            int id = partitions.getPartition(key).getPartitionId();
            if (keys[id] == null) {
                keys[id] = key;
                found++;
            }
        }
        return Arrays.stream(keys).filter(Objects::nonNull).toList();
    }

    private static String rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.toString();
    }
}
