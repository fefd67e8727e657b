package dev.flowcast.bench;

import org.HdrHistogram.Histogram;

/**
 * Delivery figures of one selector thread: latency histograms and counts, no locks, no allocation per event.
 *
 * <p>Single writer (the selector thread). The main thread reads the {@code volatile} progress mirrors while the
 * run goes on, and everything else only after the thread has ended ({@link Thread#join()} makes it visible).
 */
final class DeliveryStats {

    /** One hour in microseconds: the highest latency recorded; larger values are recorded as this. */
    static final long HIGHEST_MICROS = 3_600_000_000L;

    /** Receive time minus the event's intended send time (its {@code lg} stamp): what a user would see. */
    final Histogram fromIntended = new Histogram(HIGHEST_MICROS, 3);
    /** Receive time minus the event's {@code ts} (server accept time). */
    final Histogram fromAccept = new Histogram(HIGHEST_MICROS, 3);
    /** Events received while the window was open (by receive time): deliveries/s. */
    long receivedInWindow;
    /** Events whose stamp lies in the window, first sight per client: compared with the expected count. */
    long deliveredInWindow;
    long events;
    /** Event frames of a topic the client did not subscribe to: must stay 0. */
    long foreign;
    long errors;
    String lastError = "";

    /** Receive time of the bytes being parsed; set by the selector thread once per socket read. */
    long now;
    long windowStart = Long.MAX_VALUE;
    long windowEnd = Long.MAX_VALUE;

    volatile long deliveredProgress;
    volatile long receivedProgress;

    void onEvent(TopicCheck check, long seq, long stamp, long ts) {
        events++;
        boolean fresh = check.onEvent(seq);
        if (now >= windowStart && now < windowEnd) {
            receivedInWindow++;
        }
        if (fresh && stamp >= windowStart && stamp < windowEnd) {
            deliveredInWindow++;
            check.delivered++;
            fromIntended.recordValue(clamp(now - stamp));
            if (ts > 0) {
                fromAccept.recordValue(clamp(now - ts));
            }
        }
    }

    void publishProgress() {
        deliveredProgress = deliveredInWindow;
        receivedProgress = receivedInWindow;
    }

    private static long clamp(long micros) {
        return Math.max(0, Math.min(HIGHEST_MICROS, micros));
    }
}
