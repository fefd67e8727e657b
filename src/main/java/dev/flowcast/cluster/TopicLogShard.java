package dev.flowcast.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@link TopicLog}s of every topic of one shard, in one Hazelcast map entry: the unit the sequencer appends to.
 *
 * <p>Why shards and not one entry per topic: a sequencer call carries the batches of many topics of one bus
 * partition, and with one entry per topic each of them cost a Hazelcast operation of its own (with its backup) —
 * the per-topic cost that dominated many quiet topics (benchmark scenario (d)) and the durable modes' publish
 * latency. A shard's topics all belong to one bus partition ({@link TopicHistory#shardOf}), so a call costs at most
 * {@value TopicHistory#SHARDS_PER_BUS_PARTITION} operations whatever its number of topics. Several shards per bus
 * partition rather than one so that the logs spread over the cluster's partitions and members (and a partition lost
 * outright takes a small share of the topics with it, not an eighth of them).
 *
 * <p>Threading: not thread-safe; only ever touched by the {@link TopicLogOps} entry processors of its key, one at a
 * time on the key's partition thread (and on the backup replica, the same way).
 */
public final class TopicLogShard implements DataSerializable {

    private final Map<String, TopicLog> logs = new HashMap<>();

    /** For Hazelcast deserialization, and for a shard's first topic. */
    public TopicLogShard() {
    }

    /** The topic's log, or null when it has none in this shard. */
    TopicLog log(String topic) {
        return logs.get(topic);
    }

    void put(String topic, TopicLog log) {
        logs.put(topic, log);
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeInt(logs.size());
        for (Map.Entry<String, TopicLog> entry : logs.entrySet()) {
            out.writeString(entry.getKey());
            entry.getValue().writeData(out);
        }
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            String topic = in.readString();
            TopicLog log = new TopicLog();
            log.readData(in);
            logs.put(topic, log);
        }
    }
}
