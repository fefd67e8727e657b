package dev.flowcast.delivery;

/**
 * One server frame waiting in an outbox: its one-line JSON text, and for event frames the accept time
 * the delivery latency is measured from.
 *
 * <p>An event's frame is encoded once and the same instance is queued to every subscriber. Immutable.
 *
 * @param text           compact JSON, no line break
 * @param acceptedMicros accept time of the event in epoch microseconds; 0 for control frames
 */
public record OutFrame(String text, long acceptedMicros) {

    /** A frame that is not an event (subscribed, gap, error, pong …): not counted as a delivery. */
    public static OutFrame control(String text) {
        return new OutFrame(text, 0);
    }

    public boolean isEvent() {
        return acceptedMicros != 0;
    }
}
