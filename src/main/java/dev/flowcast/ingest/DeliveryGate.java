package dev.flowcast.ingest;

import dev.flowcast.stage.OverflowPolicy;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Holds publishers back while this node's socket writers are behind: the pipeline's demand, reaching the edge.
 *
 * <p>Why: fan-out only queues frames into each client's outbox; the writes are the expensive part. A publisher that
 * goes as fast as it is answered can therefore outrun the writers, and then every client's outbox grows until the
 * clients are cut off as slow consumers (1008) — although they read as fast as the server writes (measured: 63 of
 * 100 clients cut within seconds at 5 000 publishes/s, docs/benchmarks.md). Refusing or slowing the publisher is the
 * contract's answer to a full pipeline (429), so the writers' lag counts as the queue being full:
 * <ul>
 *   <li>{@code reject}: 429 {@code queue_full} at once while the writers are more than {@link #LAG_LIMIT_MS}
 *       behind;</li>
 *   <li>{@code block}: the publisher waits (up to {@code flowcast.queue.offer-timeout-ms}) until they are not, then
 *       429 — the pacing a Node server gives by answering only after it wrote;</li>
 *   <li>{@code drop-oldest}, {@code drop-newest}: not held back; those who chose to lose events rather than refuse
 *       publishers keep doing so, and slow outboxes are cut as before.</li>
 * </ul>
 * The lag is this node's own: in a cluster, another member's writers do not hold back this node's publishers.
 *
 * <p>Thread-safe; {@link #pass} may block the calling (request) thread under {@code block}.
 */
final class DeliveryGate {

    /** Writers further behind than this hold publishers back (the p99 delivery goal is 50 ms). */
    static final long LAG_LIMIT_MS = 100;
    private static final long NAP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final OverflowPolicy policy;
    private final long waitNanos;
    private final LongSupplier lagMillis;

    DeliveryGate(OverflowPolicy policy, Duration offerTimeout, LongSupplier lagMillis) {
        this.policy = policy;
        this.waitNanos = offerTimeout.toNanos();
        this.lagMillis = lagMillis;
    }

    /** @throws PublishError 429 when the writers are behind and the policy refuses (at once, or after waiting) */
    void pass() {
        if (!behind()) {
            return;
        }
        switch (policy) {
            case REJECT -> throw behindError();
            case BLOCK -> {
                long deadline = System.nanoTime() + waitNanos;
                while (behind()) {
                    if (System.nanoTime() - deadline >= 0 || Thread.currentThread().isInterrupted()) {
                        throw behindError();
                    }
                    LockSupport.parkNanos(NAP_NANOS);
                }
            }
            default -> {
                // drop-oldest / drop-newest: admitted; the outbox bounds decide
            }
        }
    }

    private boolean behind() {
        return lagMillis.getAsLong() > LAG_LIMIT_MS;
    }

    private PublishError behindError() {
        return new PublishError(429, "queue_full", "delivery is behind: this node's socket writers are more than "
                + LAG_LIMIT_MS + " ms behind; retry after the Retry-After delay");
    }
}
