package dev.flowcast.cluster;

/**
 * Where a topic's history stands: the seq of its newest event and the epoch of that history.
 *
 * <p>A topic that was never published has {@code newestSeq} 0; its epoch is the one its history will carry once it
 * is first published, so a client that subscribed before the first event resumes without a false gap. Immutable.
 *
 * @param newestSeq seq of the newest event, 0 when none
 * @param epoch     the history's epoch (contract §3: changes only when the history was lost)
 */
public record TopicPosition(long newestSeq, String epoch) {
}
