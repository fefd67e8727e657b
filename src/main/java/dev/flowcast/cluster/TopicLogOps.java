package dev.flowcast.cluster;

import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The entry processors that read and change a {@link TopicLog}: each runs on the owner of the topic's partition
 * (and, for changes, the same processor on the backup replica) as one atomic operation.
 *
 * <p>They are plain Java and Hazelcast only (no Jakarta types): in client mode the external members run them,
 * with Flowcast's classes on their class path (README "Running a cluster"). Immutable after construction or
 * deserialization.
 */
public final class TopicLogOps {

    private TopicLogOps() {
    }

    /**
     * Appends one batch idempotently. When the topic has no log: creates it with {@code epochIfNew} if
     * {@code create}, else answers {@link LogAnswer#absent()} and changes nothing (the caller first loads it from
     * the store).
     */
    public static final class Append implements EntryProcessor<String, TopicLog, LogAnswer>, DataSerializable {

        private String batchId;
        private List<HistoryEntry> batch;
        private int capacity;
        private long ttlMicros;
        private boolean create;
        private String epochIfNew;

        /** For Hazelcast deserialization only. */
        public Append() {
        }

        Append(String batchId, List<HistoryEntry> batch, int capacity, long ttlMicros, boolean create, String epochIfNew) {
            this.batchId = batchId;
            this.batch = batch;
            this.capacity = capacity;
            this.ttlMicros = ttlMicros;
            this.create = create;
            this.epochIfNew = epochIfNew;
        }

        /** The same append (same batch id), allowed to create the log with {@code epoch}. */
        Append creating(String epoch) {
            return new Append(batchId, batch, capacity, ttlMicros, true, epoch);
        }

        @Override
        public LogAnswer process(Map.Entry<String, TopicLog> entry) {
            TopicLog log = entry.getValue();
            boolean created = false;
            if (log == null) {
                if (!create) {
                    return LogAnswer.absent();
                }
                log = new TopicLog(epochIfNew, 0);
                created = true;
            }
            long firstSeq = log.append(batchId, batch, capacity, ttlMicros);
            entry.setValue(log); // in place (OBJECT format), but setValue marks the entry changed for the backup
            return LogAnswer.of(log, created, firstSeq, List.of());
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
            out.writeString(batchId);
            out.writeInt(batch.size());
            for (HistoryEntry entry : batch) {
                entry.writeData(out);
            }
            out.writeInt(capacity);
            out.writeLong(ttlMicros);
            out.writeBoolean(create);
            out.writeString(epochIfNew);
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
            batchId = in.readString();
            int n = in.readInt();
            batch = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                HistoryEntry entry = new HistoryEntry();
                entry.readData(in);
                batch.add(entry);
            }
            capacity = in.readInt();
            ttlMicros = in.readLong();
            create = in.readBoolean();
            epochIfNew = in.readString();
        }
    }

    /**
     * Installs a log unless one exists: an empty one with a given epoch (a topic whose history was lost), or one
     * read back from the store. Answers the log that is there afterwards.
     */
    public static final class Install implements EntryProcessor<String, TopicLog, LogAnswer>, DataSerializable {

        private String epoch;
        private long newestSeq;
        private List<HistoryEntry> entries;

        /** For Hazelcast deserialization only. */
        public Install() {
        }

        Install(String epoch, long newestSeq, List<HistoryEntry> entries) {
            this.epoch = epoch;
            this.newestSeq = newestSeq;
            this.entries = entries;
        }

        @Override
        public LogAnswer process(Map.Entry<String, TopicLog> entry) {
            TopicLog log = entry.getValue();
            if (log != null) {
                return LogAnswer.of(log, false, 0, List.of());
            }
            log = new TopicLog(epoch, newestSeq);
            log.restore(entries);
            entry.setValue(log);
            return LogAnswer.of(log, true, 0, List.of());
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
            out.writeString(epoch);
            out.writeLong(newestSeq);
            out.writeInt(entries.size());
            for (HistoryEntry entry : entries) {
                entry.writeData(out);
            }
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
            epoch = in.readString();
            newestSeq = in.readLong();
            int n = in.readInt();
            entries = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                HistoryEntry entry = new HistoryEntry();
                entry.readData(in);
                entries.add(entry);
            }
        }
    }

    /**
     * Reads the position and, when {@code from <= to}, the retained entries in [from, to]. Read-only: on a topic
     * without a log it creates nothing (contract §3: topics named by clients cost no cluster state).
     */
    public static final class Read implements EntryProcessor<String, TopicLog, LogAnswer>, ReadOnly, DataSerializable {

        private long from;
        private long to;
        private long notBeforeMicros;

        /** For Hazelcast deserialization only. */
        public Read() {
        }

        Read(long from, long to, long notBeforeMicros) {
            this.from = from;
            this.to = to;
            this.notBeforeMicros = notBeforeMicros;
        }

        @Override
        public LogAnswer process(Map.Entry<String, TopicLog> entry) {
            TopicLog log = entry.getValue();
            if (log == null) {
                return LogAnswer.absent();
            }
            return LogAnswer.of(log, false, 0, log.read(from, to, notBeforeMicros));
        }

        @Override
        public EntryProcessor<String, TopicLog, LogAnswer> getBackupProcessor() {
            return null; // read-only: nothing to do on the backup
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
            out.writeLong(from);
            out.writeLong(to);
            out.writeLong(notBeforeMicros);
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
            from = in.readLong();
            to = in.readLong();
            notBeforeMicros = in.readLong();
        }
    }
}
