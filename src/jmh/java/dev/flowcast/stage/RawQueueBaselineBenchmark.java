package dev.flowcast.stage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The baseline: a raw {@link ArrayBlockingQueue} of the same capacity, one producer ({@code put}) and one dedicated
 * consumer thread ({@code take}, then {@code drainTo} up to {@code batch - 1} more) that counts what it got. No keys,
 * no order per key, no stats, no executor: the least a bounded hand-off can cost.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RawQueueBaselineBenchmark {

    @Param({"1", "64"})
    public int batch;

    private final LongAdder handled = new LongAdder();
    private ArrayBlockingQueue<BenchEvent> queue;
    private BenchEvent[] events;
    private int next;
    private Thread consumer;
    private volatile boolean running;

    @Setup(Level.Trial)
    public void setUp() {
        events = BenchEvent.ring(4096, 1);
        queue = new ArrayBlockingQueue<>(10_000);
        running = true;
        consumer = new Thread(this::consume, "raw-consumer");
        consumer.setDaemon(true);
        consumer.start();
    }

    private void consume() {
        List<BenchEvent> chunk = new ArrayList<>(batch);
        try {
            while (running) {
                BenchEvent first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                chunk.add(first);
                if (batch > 1) {
                    queue.drainTo(chunk, batch - 1);
                }
                handled.add(chunk.size());
                chunk.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Benchmark
    public boolean put() throws InterruptedException {
        queue.put(events[next++ & (events.length - 1)]);
        return true;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        running = false;
        consumer.join(5_000);
    }
}
