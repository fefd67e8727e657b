package dev.flowcast.bench;

import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.RingbufferConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.instance.impl.HazelcastInstanceProxy;
import com.hazelcast.map.IMap;
import com.hazelcast.spi.impl.operationservice.impl.OperationServiceImpl;
import dev.flowcast.cluster.HazelcastConfigs;
import dev.flowcast.cluster.TopicHistory;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Topic churn (issue 11, cluster side): N subscribe → position → unsubscribe pairs over random, never-published topic
 * names against a real two-member embedded cluster (members in this JVM, talking over loopback), measuring
 * Hazelcast's distributed objects, heap after a full GC, and Hazelcast operations per second.
 *
 * <p>{@code before} replays what the first wave's {@code TopicHistory.position} did per subscribe (a ring buffer
 * per topic, with its backup, and an epoch entry; nothing was ever destroyed); {@code after} calls today's
 * {@link TopicHistory#position}. An unsubscribe costs the cluster nothing in either: the fan-out only drops its
 * local channel. Run: {@code mvn -B -Pbench compile exec:exec@churn -Dchurn.args="after 100000"}.
 */
public final class TopicChurnBenchmark {

    public static void main(String[] args) {
        String mode = args.length > 0 ? args[0] : "after";
        int pairs = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        String cluster = "churn-" + UUID.randomUUID();
        List<String> seed = List.of("127.0.0.1:6195");
        HazelcastInstance local = Hazelcast.newHazelcastInstance(config(cluster, seed, mode));
        HazelcastInstance remote = Hazelcast.newHazelcastInstance(config(cluster, seed, mode));
        try {
            Consumer<String> subscribe = "before".equals(mode) ? firstWave(local) : today(local);
            for (int i = 0; i < 1_000; i++) { // warm-up, counted in nothing below
                subscribe.accept("public:warm." + i);
            }
            long heapBefore = heapAfterGc();
            int objectsBefore = local.getDistributedObjects().size();
            long opsBefore = operations(local) + operations(remote);
            long t0 = System.nanoTime();
            for (int i = 0; i < pairs; i++) {
                subscribe.accept("public:" + UUID.randomUUID());
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            long ops = operations(local) + operations(remote) - opsBefore;
            long heapAfter = heapAfterGc();
            System.out.printf("mode=%s pairs=%d seconds=%.1f pairs/s=%.0f%n", mode, pairs, seconds, pairs / seconds);
            System.out.printf("distributed objects: %d -> %d%n", objectsBefore, local.getDistributedObjects().size());
            System.out.printf("heap after GC (both members, one JVM): %.1f MB -> %.1f MB (%+.0f bytes per pair)%n",
                    heapBefore / 1e6, heapAfter / 1e6, (heapAfter - heapBefore) / (double) pairs);
            System.out.printf("Hazelcast operations: %d (%.1f per pair, %.0f ops/s)%n", ops, ops / (double) pairs, ops / seconds);
            System.out.printf("load average: %.2f%n", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        } finally {
            remote.getLifecycleService().terminate();
            local.getLifecycleService().terminate();
        }
    }

    private static Config config(String cluster, List<String> seed, String mode) {
        Config config = HazelcastConfigs.member(cluster, 6195, seed, 0);
        if ("before".equals(mode)) { // the first wave's history ring buffers (capacity = flowcast.history.size)
            config.addRingBufferConfig(new RingbufferConfig("flowcast.history.*").setCapacity(1000)
                    .setTimeToLiveSeconds(300).setBackupCount(1).setInMemoryFormat(InMemoryFormat.BINARY));
        }
        return config;
    }

    /** The first wave's per-subscribe cluster work: ring tail + epoch get/putIfAbsent. */
    private static Consumer<String> firstWave(HazelcastInstance hazelcast) {
        IMap<String, String> epochs = hazelcast.getMap("flowcast.epochs");
        return topic -> {
            hazelcast.getRingbuffer("flowcast.history." + topic).tailSequence();
            if (epochs.get(topic) == null) {
                epochs.putIfAbsent(topic, UUID.randomUUID().toString().substring(0, 8));
            }
        };
    }

    private static Consumer<String> today(HazelcastInstance hazelcast) {
        TopicHistory history = new TopicHistory(hazelcast, 1000, 300, null).start();
        return history::position;
    }

    private static long operations(HazelcastInstance hazelcast) {
        var node = ((HazelcastInstanceProxy) hazelcast).getOriginal().node;
        return ((OperationServiceImpl) node.getNodeEngine().getOperationService()).getExecutedOperationCount();
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return heap.getUsed();
    }
}
