package dev.flowcast.stage;

/** A preallocated benchmark item: allocation stays out of the measurement, like an event already built upstream. */
final class BenchEvent {

    final int key;

    private BenchEvent(int key) {
        this.key = key;
    }

    /** {@code n} (a power of two) events spread round-robin over {@code keys} keys. */
    static BenchEvent[] ring(int n, int keys) {
        BenchEvent[] events = new BenchEvent[n];
        for (int i = 0; i < n; i++) {
            events[i] = new BenchEvent(i % keys);
        }
        return events;
    }
}
