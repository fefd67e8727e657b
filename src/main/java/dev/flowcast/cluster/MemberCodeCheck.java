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
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Checks, when a client node starts and then every so often ({@link MemberCodeWatch}), that the members of the
 * external cluster run this build's Flowcast code
 * ({@link MemberCode}): the members deserialize and run Flowcast's entry processors ({@link TopicLogOps}), so they
 * need Flowcast's classes on their class path (README "Client mode"), and the same ones as the node. Without the
 * check a node of a stock Hazelcast cluster turned ready, answered {@code 202} and then logged every batch as lost
 * ({@code ClassNotFoundException: dev.flowcast.cluster.TopicLogOps$Append} on the member), and a member running
 * another build's classes would have run other rules on the topic logs without any error; with it the node refuses
 * to start and says what to do.
 *
 * <p>How: one read-only {@link TopicLogOps.Fingerprint} on a key of every partition, all in flight at once (271
 * small calls by default), so every member that owns a partition runs one, whatever the client knows yet of who owns
 * what; each answers its {@link MemberCode#fingerprint()}. It creates nothing. A member added later owns partitions
 * only once they migrated to it, so it is seen by a later probe ({@link MemberCodeWatch}). Threading: any one
 * thread at a time (the starting thread, then the watch's).
 */
final class MemberCodeCheck {

    /** The map the probes run on: the one every entry processor of Flowcast runs on. */
    static final String PROBED_MAP = HazelcastConfigs.TOPICS_MAP;
    /** Keys tried in all to find one per partition (about 271 × ln 271 ≈ 1 500 needed with the default count). */
    private static final int MAX_KEYS_TRIED = 100_000;
    private static final String WHAT_TO_DO = "start every member with this build's flowcast-classes.jar on its class"
            + " path (README \"Client mode\")";

    private MemberCodeCheck() {
    }

    /**
     * Probes every partition's owner.
     *
     * @throws IllegalStateException when a member cannot run Flowcast's code, or runs another build's: why, and what
     *                               to do
     */
    static void verify(HazelcastInstance client, String clusterName) {
        Problem problem = problem(client, clusterName);
        if (problem != null) {
            throw new IllegalStateException("Flowcast refuses to start: " + problem.description(), problem.cause());
        }
    }

    /** What is wrong with the members' code, and the failure that showed it (or null: a mismatch answers no failure). */
    record Problem(String description, Throwable cause) {
    }

    /**
     * Probes every partition's owner.
     *
     * @return null when every member runs this build's Flowcast code, else what is wrong and what to do
     * @throws RuntimeException when a probe failed otherwise (the cluster is out of reach, a call timed out)
     */
    static Problem problem(HazelcastInstance client, String clusterName) {
        IMap<String, TopicLogShard> logs = client.getMap(PROBED_MAP);
        Map<String, CompletableFuture<String>> probes = new LinkedHashMap<>();
        for (String key : keyPerPartition(client)) {
            probes.put(key, logs.submitToKey(key, new TopicLogOps.Fingerprint()).toCompletableFuture());
        }
        String ours = MemberCode.fingerprint();
        Set<String> others = new TreeSet<>();
        for (Map.Entry<String, CompletableFuture<String>> probe : probes.entrySet()) {
            String answer;
            try {
                answer = probe.getValue().join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof HazelcastSerializationException cannotRun) {
                    // not always the owner that failed: the member a client call reaches deserializes it first
                    return new Problem("a member of Hazelcast cluster '" + clusterName + "' cannot run Flowcast's"
                            + " entry processors (" + rootCause(cannotRun) + "): " + WHAT_TO_DO + "; members: "
                            + client.getCluster().getMembers(), cannotRun);
                }
                throw e;
            }
            if (!answer.startsWith(ours + " ")) {
                others.add(answer);
            }
        }
        if (!others.isEmpty()) {
            return new Problem("members of Hazelcast cluster '" + clusterName + "' run another build's Flowcast"
                    + " classes than this node (code fingerprint " + ours + "; theirs, with their addresses: " + others
                    + "): " + WHAT_TO_DO, null);
        }
        return null;
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
