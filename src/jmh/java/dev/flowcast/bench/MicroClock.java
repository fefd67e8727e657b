package dev.flowcast.bench;

import java.time.Instant;

/**
 * Epoch microseconds from one wall-clock reading plus {@link System#nanoTime()}: no allocation per reading, and
 * comparable with the server's {@code ts} (epoch microseconds) on the same machine.
 *
 * <p>Immutable and safe to share between threads. Over a run of minutes the drift between the monotonic clock and
 * the wall clock is a few microseconds, far below what is measured.
 */
final class MicroClock {

    private final long baseMicros;
    private final long baseNanos;

    MicroClock() {
        Instant now = Instant.now();
        this.baseNanos = System.nanoTime();
        this.baseMicros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    /** Epoch microseconds now. */
    long micros() {
        return baseMicros + (System.nanoTime() - baseNanos) / 1_000;
    }
}
