package dev.flowcast.ingest;

/**
 * What a publisher learns of an event it handed over.
 *
 * @param id      the event's id
 * @param topic   its topic
 * @param dropped true when the {@code drop-newest} policy discarded it at once (the queue was full); it was
 *                counted in {@code flowcast.events.dropped} and will not be delivered
 */
public record PublishReceipt(String id, String topic, boolean dropped) {
}
