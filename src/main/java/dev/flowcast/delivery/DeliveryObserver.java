package dev.flowcast.delivery;

/**
 * What the delivery side reports: deliveries with their latency, slow consumers cut off, gaps.
 *
 * <p>Called from writer threads, socket completion threads and fan-out workers: implementations must be
 * thread-safe and cheap (per delivered event: a counter and a histogram record, nothing more).
 */
public interface DeliveryObserver {

    /**
     * The frames of {@code chunk} were written to one client's socket at {@code nowMicros} (epoch microseconds):
     * one delivery per event frame in it, each with its own latency since it was accepted.
     */
    void delivered(Chunk chunk, long nowMicros);

    /** A client fell {@code flowcast.client.max-pending} frames (or bytes) behind and was cut off. */
    void slowConsumerCut();

    /** A {@code gap} frame was sent to one client. */
    void gap();

    /** An observer that counts nothing, for tests. */
    DeliveryObserver NONE = new DeliveryObserver() {
        @Override
        public void delivered(Chunk chunk, long nowMicros) {
        }

        @Override
        public void slowConsumerCut() {
        }

        @Override
        public void gap() {
        }
    };
}
