package dev.flowcast.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a {@link TopicLogOps.Append} answers: one {@link LogAnswer} per topic it was given. Immutable once built. */
public final class LogAnswers implements DataSerializable {

    private Map<String, LogAnswer> byTopic;

    /** For Hazelcast deserialization only. */
    public LogAnswers() {
    }

    LogAnswers(Map<String, LogAnswer> byTopic) {
        this.byTopic = byTopic;
    }

    /** The topic's answer; null when the append did not carry the topic. */
    LogAnswer of(String topic) {
        return byTopic.get(topic);
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeInt(byTopic.size());
        for (Map.Entry<String, LogAnswer> entry : byTopic.entrySet()) {
            out.writeString(entry.getKey());
            entry.getValue().writeData(out);
        }
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        int n = in.readInt();
        byTopic = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String topic = in.readString();
            LogAnswer answer = new LogAnswer();
            answer.readData(in);
            byTopic.put(topic, answer);
        }
    }
}
