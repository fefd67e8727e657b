package dev.flowcast.stage;

import java.util.concurrent.ThreadFactory;

/** Thread factories for stages in tests: daemon threads, so a test that never drains its stage cannot hang the JVM. */
public final class TestThreads {

    private TestThreads() {
    }

    public static ThreadFactory daemon() {
        return task -> {
            Thread thread = new Thread(task);
            thread.setDaemon(true);
            return thread;
        };
    }
}
