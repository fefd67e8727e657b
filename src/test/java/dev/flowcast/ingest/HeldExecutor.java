package dev.flowcast.ingest;

import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** Test support: an executor ({@code held::add}) whose tasks run only once a test releases them. */
final class HeldExecutor {

    private HeldExecutor() {
    }

    /** From now on, runs every held task (and every later one) on a thread of its own, until closed. */
    static Running run(Queue<Runnable> held) {
        Thread runner = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                Runnable task = held.poll();
                if (task != null) {
                    task.run();
                } else {
                    LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200)); // an executor's idle wait, not a test sync
                }
            }
        }, "held-executor");
        runner.setDaemon(true);
        runner.start();
        return () -> {
            runner.interrupt();
        };
    }

    interface Running extends AutoCloseable {
        @Override
        void close();
    }
}
