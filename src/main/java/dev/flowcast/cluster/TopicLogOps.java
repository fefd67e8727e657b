package dev.flowcast.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The entry processors that read and change the {@link TopicLog}s of one {@link TopicLogShard}: each runs on the
 * owner of the shard's partition (and, for changes, the same processor on the backup replica) as one atomic
 * operation, whatever the number of topics it touches.
 *
 * <p>They are plain Java and Hazelcast only (no Jakarta types): in client mode the external members run them,
 * with Flowcast's classes on their class path (README "Running a cluster"). Immutable after construction or
 * deserialization.
 */
public final class TopicLogOps {

    private TopicLogOps() {
    }

    /**
     * Appends one batch per topic, for topics of one shard, idempotently (one batch id for all of them). A topic
     * without a log is created with its {@code epochIfNew}, or, when that is null, answered
     * {@link LogAnswer#absent()} and left unchanged (the caller first loads it from the store).
     */
    public static final class Append implements EntryProcessor<String, TopicLogShard, LogAnswers>, DataSerializable {

        private String batchId;
        private Map<String, TopicBatch> batches;
        private int capacity;
        private long ttlMicros;
        /** Sent again, after the first call's answer was lost ({@link TopicLog#append}). */
        private boolean resent;

        /** For Hazelcast deserialization only. */
        public Append() {
        }

        Append(String batchId, Map<String, TopicBatch> batches, int capacity, long ttlMicros, boolean resent) {
            this.batchId = batchId;
            this.batches = batches;
            this.capacity = capacity;
            this.ttlMicros = ttlMicros;
            this.resent = resent;
        }

        /**
         * The same append (same batch id) of some of its topics only, each allowed to create its log with the given
         * epoch: for the topics the first call found without a log.
         */
        Append creating(Map<String, String> epochs) {
            Map<String, TopicBatch> some = new LinkedHashMap<>();
            epochs.forEach((topic, epoch) -> some.put(topic, new TopicBatch(batches.get(topic).entries(), epoch)));
            return new Append(batchId, some, capacity, ttlMicros, resent);
        }

        @Override
        public LogAnswers process(Map.Entry<String, TopicLogShard> entry) {
            TopicLogShard shard = entry.getValue() != null ? entry.getValue() : new TopicLogShard();
            Map<String, LogAnswer> answers = new LinkedHashMap<>();
            boolean changed = false;
            for (Map.Entry<String, TopicBatch> one : batches.entrySet()) {
                String topic = one.getKey();
                TopicBatch batch = one.getValue();
                TopicLog log = shard.log(topic);
                boolean created = false;
                if (log == null) {
                    if (batch.epochIfNew() == null) {
                        answers.put(topic, LogAnswer.absent());
                        continue;
                    }
                    log = new TopicLog(batch.epochIfNew(), 0);
                    shard.put(topic, log);
                    created = true;
                }
                long firstSeq = log.append(batchId, batch.entries(), capacity, ttlMicros, resent);
                changed = true;
                answers.put(topic, LogAnswer.of(log, created, firstSeq, List.of()));
            }
            if (changed) {
                entry.setValue(shard); // in place (OBJECT format), but setValue marks the entry changed for the backup
            }
            return new LogAnswers(answers);
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
            out.writeString(batchId);
            out.writeInt(batches.size());
            for (Map.Entry<String, TopicBatch> one : batches.entrySet()) {
                out.writeString(one.getKey());
                out.writeString(one.getValue().epochIfNew());
                HistoryEntry.writeAll(out, one.getValue().entries());
            }
            out.writeInt(capacity);
            out.writeLong(ttlMicros);
            out.writeBoolean(resent);
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
            batchId = in.readString();
            int topics = in.readInt();
            batches = new LinkedHashMap<>();
            for (int t = 0; t < topics; t++) {
                String topic = in.readString();
                String epochIfNew = in.readString();
                batches.put(topic, new TopicBatch(HistoryEntry.readAll(in), epochIfNew));
            }
            capacity = in.readInt();
            ttlMicros = in.readLong();
            resent = in.readBoolean();
        }
    }

    /** One topic's part of an {@link Append}: its unnumbered entries, and the epoch of its log if it has none yet. */
    record TopicBatch(List<HistoryEntry> entries, String epochIfNew) {
    }

    /**
     * Installs a topic's log unless one exists: an empty one with a given epoch (a topic whose history was lost), or
     * one read back from the store. Answers the log that is there afterwards.
     */
    public static final class Install implements EntryProcessor<String, TopicLogShard, LogAnswer>, DataSerializable {

        private String topic;
        private String epoch;
        private long newestSeq;
        private List<HistoryEntry> entries;

        /** For Hazelcast deserialization only. */
        public Install() {
        }

        Install(String topic, String epoch, long newestSeq, List<HistoryEntry> entries) {
            this.topic = topic;
            this.epoch = epoch;
            this.newestSeq = newestSeq;
            this.entries = entries;
        }

        @Override
        public LogAnswer process(Map.Entry<String, TopicLogShard> entry) {
            TopicLogShard shard = entry.getValue() != null ? entry.getValue() : new TopicLogShard();
            TopicLog log = shard.log(topic);
            if (log != null) {
                return LogAnswer.of(log, false, 0, List.of());
            }
            log = new TopicLog(epoch, newestSeq);
            log.restore(entries);
            shard.put(topic, log);
            entry.setValue(shard);
            return LogAnswer.of(log, true, 0, List.of());
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
            out.writeString(topic);
            out.writeString(epoch);
            out.writeLong(newestSeq);
            HistoryEntry.writeAll(out, entries);
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
            topic = in.readString();
            epoch = in.readString();
            newestSeq = in.readLong();
            entries = HistoryEntry.readAll(in);
        }
    }

    /**
     * Reads a topic's position and, when {@code from <= to}, its retained entries in [from, to]. Read-only: on a
     * topic without a log it creates nothing (contract §3: topics named by clients cost no cluster state).
     */
    public static final class Read implements EntryProcessor<String, TopicLogShard, LogAnswer>, ReadOnly, DataSerializable {

        private String topic;
        private long from;
        private long to;
        private long notBeforeMicros;

        /** For Hazelcast deserialization only. */
        public Read() {
        }

        Read(String topic, long from, long to, long notBeforeMicros) {
            this.topic = topic;
            this.from = from;
            this.to = to;
            this.notBeforeMicros = notBeforeMicros;
        }

        @Override
        public LogAnswer process(Map.Entry<String, TopicLogShard> entry) {
            TopicLog log = entry.getValue() == null ? null : entry.getValue().log(topic);
            if (log == null) {
                return LogAnswer.absent();
            }
            return LogAnswer.of(log, false, 0, log.read(from, to, notBeforeMicros));
        }

        @Override
        public EntryProcessor<String, TopicLogShard, LogAnswer> getBackupProcessor() {
            return null; // read-only: nothing to do on the backup
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
            out.writeString(topic);
            out.writeLong(from);
            out.writeLong(to);
            out.writeLong(notBeforeMicros);
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
            topic = in.readString();
            from = in.readLong();
            to = in.readLong();
            notBeforeMicros = in.readLong();
        }
    }

    /**
     * Answers the member's {@link MemberCode#fingerprint()} and address, so a client node can tell that every member
     * runs its build's classes ({@link MemberCodeCheck}). Read-only; touches no entry.
     */
    public static final class Fingerprint implements EntryProcessor<String, TopicLogShard, String>, ReadOnly,
            DataSerializable, HazelcastInstanceAware {

        /** Set by Hazelcast on the member before {@link #process}; not serialized. */
        private transient HazelcastInstance member;

        /** For Hazelcast deserialization, and to send. */
        public Fingerprint() {
        }

        @Override
        public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
            this.member = hazelcastInstance;
        }

        /** {@code "<fingerprint> <member address>"}. */
        @Override
        public String process(Map.Entry<String, TopicLogShard> entry) {
            return MemberCode.fingerprint() + " " + (member == null ? "?" : member.getCluster().getLocalMember().getAddress());
        }

        @Override
        public EntryProcessor<String, TopicLogShard, String> getBackupProcessor() {
            return null;
        }

        @Override
        public void writeData(ObjectDataOutput out) {
            // nothing: the answer is the member's own
        }

        @Override
        public void readData(ObjectDataInput in) {
            // nothing
        }
    }
}
