package dev.flowcast.stage;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Unloaded hand-off latency: offer one event and spin until the handler has seen it, so the time of an op is the
 * producer-to-handler latency of an idle pipeline (for the stage: waking a parked worker thread; for
 * the raw queue: waking the consumer blocked in {@code take}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HandoffLatencyBenchmark {

    private volatile long stageSeen;
    private volatile long rawSeen;
    private long sent;
    private long rawSent;
    private Stage<BenchEvent> stage;
    private ArrayBlockingQueue<BenchEvent> queue;
    private Thread consumer;
    private volatile boolean running;
    private final BenchEvent event = BenchEvent.ring(1, 1)[0];

    @Setup(Level.Trial)
    public void setUp() {
        stage = Stage.<BenchEvent>builder("latency").capacity(10_000).workers(2).batchSize(64)
                .keyedBy(e -> e.key).threads(r -> {
                    Thread t = new Thread(r);
                    t.setDaemon(true);
                    return t;
                })
                .handler(b -> stageSeen = stageSeen + b.size()) // one lane: never concurrent
                .build();
        stage.start();
        queue = new ArrayBlockingQueue<>(10_000);
        running = true;
        consumer = new Thread(() -> {
            try {
                while (running) {
                    if (queue.poll(100, TimeUnit.MILLISECONDS) != null) {
                        rawSeen = rawSeen + 1;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "raw-consumer");
        consumer.setDaemon(true);
        consumer.start();
    }

    @Benchmark
    public long stageRoundTrip() {
        stage.offer(event);
        long want = ++sent;
        while (stageSeen < want) {
            Thread.onSpinWait();
        }
        return want;
    }

    @Benchmark
    public long rawQueueRoundTrip() throws InterruptedException {
        queue.put(event);
        long want = ++rawSent;
        while (rawSeen < want) {
            Thread.onSpinWait();
        }
        return want;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        stage.drain(Duration.ofSeconds(10));
        running = false;
        consumer.join(5_000);
    }
}
