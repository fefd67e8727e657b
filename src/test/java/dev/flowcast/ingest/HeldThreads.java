package dev.flowcast.ingest;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;

/**
 * Test support: a stage's thread factory whose workers start working only once the test releases them, so that
 * queued work piles up meanwhile (a full queue, drop-oldest evictions, many topics in one batch).
 */
final class HeldThreads implements ThreadFactory {

    private final CountDownLatch released = new CountDownLatch(1);

    @Override
    public Thread newThread(Runnable worker) {
        Thread thread = new Thread(() -> {
            try {
                released.await();
            } catch (InterruptedException e) {
                return;
            }
            worker.run();
        });
        thread.setDaemon(true);
        return thread;
    }

    /** Lets the workers go; from now on they run as any stage's. */
    Released release() {
        released.countDown();
        return () -> { };
    }

    /** What {@link #release} returns, for a try-with-resources block that reads as "while released". */
    interface Released extends AutoCloseable {
        @Override
        void close();
    }
}
