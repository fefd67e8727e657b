package dev.flowcast.bench;

/**
 * The measured window in epoch microseconds: warm-up before it and the drain after it are excluded from every
 * figure. Set by the main thread once the clients are subscribed; read by every selector and publisher thread.
 */
final class Window {

    private volatile long start = Long.MAX_VALUE;
    private volatile long end = Long.MAX_VALUE;

    /**
     * Sets the window to {@code [startMicros, endMicros)}; the end is written first, so a reader that sees the new
     * start also sees its end.
     */
    void set(long startMicros, long endMicros) {
        end = endMicros;
        start = startMicros;
    }

    long start() {
        return start;
    }

    long end() {
        return end;
    }

    double seconds() {
        return (end - start) / 1e6;
    }
}
