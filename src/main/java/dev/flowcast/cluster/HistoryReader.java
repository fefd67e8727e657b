package dev.flowcast.cluster;

import dev.flowcast.event.Event;
import java.util.List;

/**
 * What the fan-out reads from a topic's history: where it stands, and its retained events.
 *
 * <p>{@link TopicHistory} in the app; an in-memory fake in unit tests. Implementations are thread-safe and may
 * block for a cluster round trip. Reading a topic that was never published must not create anything for it in
 * the cluster (contract §3: topics named by clients cost no cluster state until published).
 */
public interface HistoryReader {

    /** The topic's newest seq (0 when never published) and epoch, read together. */
    TopicPosition position(String topic);

    /** Retained events with seq in [from, to], oldest first; missing ones were evicted or expired. */
    List<Event> read(String topic, long fromSeq, long toSeq);
}
