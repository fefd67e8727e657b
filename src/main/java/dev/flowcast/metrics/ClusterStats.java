package dev.flowcast.metrics;

import dev.flowcast.event.JsonP;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * Every member's latest stats, shared through the Hazelcast map {@value #MAP}: each member writes its own entry
 * (key = its member UUID) every second with a time-to-live of {@link #TTL_SECONDS} s, so a member that dies
 * vanishes from {@code /api/stats} and the console within seconds, without anyone having to notice it died.
 *
 * <p>Values are JSON strings (the {@code /api/stats} member object plus its recent latency histogram, compressed
 * and base64-encoded, so the cluster's percentiles can be computed exactly): a plain string needs no class of
 * ours on the other members and survives version skew during a rolling upgrade. One map write per member per
 * second and one read per request: negligible beside the pipeline's Hazelcast operations.
 *
 * <p>Threading: thread-safe (Hazelcast's map is); {@link #publish} is called by the one stats tick.
 */
public final class ClusterStats {

    public static final String MAP = "flowcast.stats";
    static final int TTL_SECONDS = 6;
    private static final String HISTOGRAM = "latencyHistogram";
    private static final Logger LOG = Logger.getLogger(ClusterStats.class.getName());

    /** A member's published snapshot and its recent latency histogram (microseconds). */
    public record MemberEntry(StatsSnapshot snapshot, Histogram latency) {
    }

    private final IMap<String, String> map;
    private final String self;

    public ClusterStats(HazelcastInstance hazelcast) {
        this.map = hazelcast.getMap(MAP);
        this.self = hazelcast.getLocalEndpoint().getUuid().toString();
    }

    /** This member's key in the map. */
    public String memberId() {
        return self;
    }

    /** Writes this member's entry, replacing the previous one and restarting its time-to-live. */
    public void publish(StatsSnapshot snapshot, Histogram latency) {
        ByteBuffer buffer = ByteBuffer.allocate(latency.getNeededByteBufferCapacity());
        int length = latency.encodeIntoCompressedByteBuffer(buffer);
        String encoded = Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), length));
        String json = StatsJson.snapshot(snapshot).add(HISTOGRAM, encoded).build().toString();
        map.set(self, json, TTL_SECONDS, TimeUnit.SECONDS);
    }

    /** Every other member's latest entry; entries that cannot be read are skipped (and logged). */
    public List<MemberEntry> others() {
        List<MemberEntry> entries = new ArrayList<>();
        Collection<String> values = map.values();
        for (String json : values) {
            try {
                JsonObject o = JsonP.PROVIDER.createReader(new StringReader(json)).readObject();
                if (self.equals(o.getString("memberId", ""))) {
                    continue; // our own, older than the snapshot the caller holds
                }
                byte[] bytes = Base64.getDecoder().decode(o.getString(HISTOGRAM));
                Histogram latency = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes), 0);
                entries.add(new MemberEntry(StatsJson.readSnapshot(o), latency));
            } catch (RuntimeException | DataFormatException e) {
                LOG.log(Level.FINE, "skipping an unreadable stats entry", e);
            }
        }
        return entries;
    }

    /** Removes this member's entry at once (on shutdown), instead of waiting for its time-to-live. */
    public void leave() {
        map.delete(self);
    }
}
