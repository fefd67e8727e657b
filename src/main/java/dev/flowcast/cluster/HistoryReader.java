package dev.flowcast.cluster;

import dev.flowcast.event.Event;
import java.util.List;

/**
 * What the fan-out reads from a topic's history: its newest seq, retained events, and epoch.
 *
 * <p>{@link TopicHistory} in the app; an in-memory fake in unit tests. Implementations are
 * thread-safe and may block for a cluster round trip.
 */
public interface HistoryReader {

    /** Seq of the newest event of {@code topic}, 0 when none. */
    long newestSeq(String topic);

    /** Retained events with seq in [from, to], oldest first; missing ones were evicted or expired. */
    List<Event> read(String topic, long fromSeq, long toSeq);

    /** The topic history's epoch. */
    String epoch(String topic);
}
