package dev.flowcast.delivery;

/**
 * What an outbox reports: deliveries with their latency, and slow consumers cut off.
 *
 * <p>Called from socket completion threads and fan-out workers: implementations must be thread-safe and cheap.
 */
public interface DeliveryObserver {

    /** One event frame was written to one client's socket; {@code latencyMicros} since it was accepted. */
    void delivered(long latencyMicros);

    /** A client fell {@code flowcast.client.max-pending} frames behind and was cut off. */
    void slowConsumerCut();

    /** A {@code gap} frame was sent to one client. */
    void gap();

    /** An observer that counts nothing, for tests. */
    DeliveryObserver NONE = new DeliveryObserver() {
        @Override
        public void delivered(long latencyMicros) {
        }

        @Override
        public void slowConsumerCut() {
        }

        @Override
        public void gap() {
        }
    };
}
