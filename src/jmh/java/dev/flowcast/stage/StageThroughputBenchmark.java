package dev.flowcast.stage;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Sustained throughput of one stage: one producer thread offers as fast as it can, the stage's workers (2, on a
 * plain pool of 2 threads) hand batches to a handler that only counts them.
 *
 * <p>The policy is {@code block}: when the stage is full the producer waits, so in steady state an op (one accepted
 * offer) is one handled event; the queue bound makes the two rates equal within {@code capacity} items per
 * iteration. Compare with {@link RawQueueBaselineBenchmark} in the same run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class StageThroughputBenchmark {

    @Param({"1", "64"})
    public int keys;

    @Param({"1", "64"})
    public int batch;

    @Param({"2"})
    public int workers;

    private final LongAdder handled = new LongAdder();
    private Stage<BenchEvent> stage;
    static final int PRODUCER_BATCH = 64;

    private BenchEvent[] events;
    private List<BenchEvent>[] chunks;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        events = BenchEvent.ring(4096, keys);
        chunks = chunksOf(events);
        stage = Stage.<BenchEvent>builder("bench")
                .capacity(10_000) // flowcast.queue.capacity default
                .overflow(OverflowPolicy.BLOCK, Duration.ofMinutes(1))
                .workers(workers)
                .batchSize(batch)
                .keyedBy(e -> e.key)
                .threads(r -> {
                    Thread t = new Thread(r);
                    t.setDaemon(true);
                    return t;
                })
                .handler(b -> handled.add(b.size()))
                .build();
        stage.start();
    }

    @Benchmark
    public Admission offer() {
        return stage.offer(events[next++ & (events.length - 1)]);
    }

    /**
     * A producer that already holds a batch (the batch publish API): one {@link Stage#offerAll} of
     * {@value #PRODUCER_BATCH} events per op, counted as {@value #PRODUCER_BATCH} ops.
     */
    @Benchmark
    @OperationsPerInvocation(PRODUCER_BATCH)
    public Admission offerAll() {
        return stage.offerAll(chunks[next++ & (chunks.length - 1)]);
    }

    @SuppressWarnings("unchecked")
    private static List<BenchEvent>[] chunksOf(BenchEvent[] events) {
        List<BenchEvent>[] chunks = new List[events.length / PRODUCER_BATCH];
        for (int i = 0; i < chunks.length; i++) {
            chunks[i] = List.of(Arrays.copyOfRange(events, i * PRODUCER_BATCH, (i + 1) * PRODUCER_BATCH));
        }
        return chunks;
    }

    @TearDown(Level.Iteration)
    public void report() {
        StageStats s = stage.stats();
        LatencySnapshot l = s.latency();
        System.out.printf("%n  [stage keys=%d batch=%d] out/s=%.0f depth=%d latency(ms) p50=%.3f p99=%.3f p999=%.3f"
                + " max=%.3f (includes queueing: up to capacity/throughput when full)%n", keys, batch, s.outPerSecond(),
                s.depth(), l.p50Ms(), l.p99Ms(), l.p999Ms(), l.maxMs());
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        DrainReport<BenchEvent> report = stage.drain(Duration.ofSeconds(30));
        if (!report.completed()) {
            throw new IllegalStateException("benchmark stage did not drain: " + report.leftover().size() + " left");
        }
    }
}
