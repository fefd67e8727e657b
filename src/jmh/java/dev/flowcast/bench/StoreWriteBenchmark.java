package dev.flowcast.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.flowcast.cluster.EventStore.StoredBatch;
import dev.flowcast.cluster.JdbcEventStore;
import dev.flowcast.event.Event;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * The {@code persistent} store's write against a real PostgreSQL, shaped like the ingest workers' calls: each call
 * writes 8 topics × 10 events of 60 bytes (history size 1000), each thread cycling over its own 48 topics, so every
 * write also pushes events out of the history once it is full. Measures calls/s, per-call p50/p99 (HdrHistogram),
 * the bytes the calling thread allocates per call (the driver encodes and reads on it) and the database's CPU per call for {@code old} ({@link BatchedStoreWrite}: three batches and a commit),
 * {@code pruning} ({@link PruningStoreWrite}: one statement that inserts every event and deletes what fell out of the
 * history) and {@code ring} ({@link JdbcEventStore#write}: one statement that overwrites ring slots), each on fresh
 * tables, in the order given, after a warm-up that fills the history.
 *
 * <p>{@code bench/store-write.sh} starts a throw-away PostgreSQL and runs
 * {@code mvn -B -Pbench compile exec:exec@store -Dstore.args="JDBC_URL [pruning,ring,pruning,ring] [CALLS] [THREADS]"}
 * (user {@code postgres}, no password).
 */
public final class StoreWriteBenchmark {

    private static final int TOPICS_PER_CALL = 8;
    private static final int EVENTS_PER_TOPIC = 10;
    private static final int TOPICS_PER_THREAD = 48;
    private static final int HISTORY = 1000;
    private static final int WARM_UP_CALLS = 1000; // per thread: every topic's history full, so writes prune
    private static final String DATA = "{\"v\":\"" + "x".repeat(52) + "\"}"; // 60 bytes

    /** One variant's write, called concurrently by the threads. */
    private interface Write {
        void write(List<StoredBatch> batches) throws SQLException;
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        List<String> variants = List.of((args.length > 1 ? args[1] : "pruning,ring,pruning,ring").split(","));
        int calls = args.length > 2 ? Integer.parseInt(args[2]) : 4000;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        System.out.printf("%d threads, %d measured calls each after %d warm-up calls; a call: %d topics x %d events of "
                + "%d bytes; history %d%n", threads, calls, WARM_UP_CALLS, TOPICS_PER_CALL, EVENTS_PER_TOPIC,
                DATA.length(), HISTORY);
        for (String variant : variants) {
            dropTables(url);
            JdbcEventStore store = JdbcEventStore.open(url, "postgres", null, threads, HISTORY); // creates the tables
            HikariDataSource pool = null;
            try {
                Write write;
                String table = "flowcast_events";
                if ("old".equals(variant)) {
                    pool = pool(url, threads);
                    createEventsTable(url);
                    write = new BatchedStoreWrite(pool, HISTORY)::write;
                } else if ("pruning".equals(variant)) {
                    HikariDataSource own = pool(url, threads);
                    pool = own;
                    createEventsTable(url);
                    write = batches -> PruningStoreWrite.write(own, batches, HISTORY);
                } else if ("ring".equals(variant)) {
                    write = store::write;
                    table = "flowcast_ring";
                } else {
                    throw new IllegalArgumentException("variants are old, pruning and ring: " + variant);
                }
                run(variant, write, calls, threads, java.net.URI.create(url.substring(5)).getPort());
                System.out.printf("  rows kept: %d (expected %d)%n", count(url, table), (long) threads * TOPICS_PER_THREAD * HISTORY);
            } finally {
                if (pool != null) {
                    pool.close();
                }
                store.close();
            }
        }
    }

    private static void run(String variant, Write write, int calls, int threads, int port) throws Exception {
        CyclicBarrier measuring = new CyclicBarrier(threads + 1);
        CyclicBarrier done = new CyclicBarrier(threads + 1);
        List<Histogram> latencies = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        LongAdder allocated = new LongAdder();
        com.sun.management.ThreadMXBean threadBean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int t = 0; t < threads; t++) {
            Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
            latencies.add(latency);
            int thread = t;
            Thread worker = new Thread(() -> {
                try {
                    long[] seqs = new long[TOPICS_PER_THREAD];
                    for (int call = 0; call < WARM_UP_CALLS; call++) {
                        write.write(nextCall(thread, call, seqs));
                    }
                    measuring.await();
                    for (int call = WARM_UP_CALLS; call < WARM_UP_CALLS + calls; call++) {
                        List<StoredBatch> batches = nextCall(thread, call, seqs);
                        long bytes0 = threadBean.getCurrentThreadAllocatedBytes();
                        long t0 = System.nanoTime();
                        write.write(batches);
                        latency.recordValue(System.nanoTime() - t0);
                        allocated.add(threadBean.getCurrentThreadAllocatedBytes() - bytes0);
                    }
                    done.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "store-write-" + t);
            worker.start();
            workers.add(worker);
        }
        measuring.await();
        long t0 = System.nanoTime();
        double cpu0 = processCpuSeconds();
        double serverCpu0 = postgresCpuSeconds(port);
        done.await();
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpu = processCpuSeconds() - cpu0;
        double serverCpu = postgresCpuSeconds(port) - serverCpu0;
        for (Thread worker : workers) {
            worker.join();
        }
        Histogram all = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        latencies.forEach(all::add);
        System.out.printf("%s: %.0f calls/s (%.0f events/s), per call p50 %.2f ms, p99 %.2f ms, max %.2f ms; "
                        + "%.1f s, CPU per call: PostgreSQL %.2f ms, benchmark JVM %.2f ms; allocated per call %.1f KB; "
                        + "load %.2f%n",
                variant, all.getTotalCount() / seconds, all.getTotalCount() * TOPICS_PER_CALL * EVENTS_PER_TOPIC / seconds,
                all.getValueAtPercentile(50) / 1e6, all.getValueAtPercentile(99) / 1e6, all.getMaxValue() / 1e6,
                seconds, serverCpu * 1e3 / all.getTotalCount(), cpu * 1e3 / all.getTotalCount(),
                allocated.sum() / 1024.0 / all.getTotalCount(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    /** The thread's next 8 of its 48 topics, 10 new events each. */
    private static List<StoredBatch> nextCall(int thread, int call, long[] seqs) {
        List<StoredBatch> batches = new ArrayList<>(TOPICS_PER_CALL);
        for (int i = 0; i < TOPICS_PER_CALL; i++) {
            int slot = (call * TOPICS_PER_CALL + i) % TOPICS_PER_THREAD;
            String topic = "public:bench." + thread + "." + slot;
            List<Event> events = new ArrayList<>(EVENTS_PER_TOPIC);
            for (int e = 0; e < EVENTS_PER_TOPIC; e++) {
                long seq = ++seqs[slot];
                events.add(new Event(topic + "-" + seq, topic, DATA, System.currentTimeMillis() * 1000, seq));
            }
            batches.add(new StoredBatch(topic, "ep0ch", events));
        }
        return batches;
    }

    /** A pool set up as {@code JdbcEventStore.open} sets up its own. */
    private static HikariDataSource pool(String url, int threads) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("bench-old-write");
        config.setJdbcUrl(url);
        config.setDriverClassName("org.postgresql.Driver");
        config.setUsername("postgres");
        config.setMaximumPoolSize(Math.max(2, threads));
        config.setMinimumIdle(1);
        config.addDataSourceProperty("connectTimeout", "3");
        config.addDataSourceProperty("socketTimeout", "10");
        return new HikariDataSource(config);
    }

    private static void dropTables(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS flowcast_events, flowcast_ring, flowcast_topics, flowcast_cluster");
        }
    }

    /** The table of the writes before the ring slots, which the store no longer creates. */
    private static void createEventsTable(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE flowcast_events (topic VARCHAR(200) NOT NULL, seq BIGINT NOT NULL, "
                    + "id VARCHAR(64) NOT NULL, data TEXT NOT NULL, accepted_micros BIGINT NOT NULL, PRIMARY KEY (topic, seq))");
        }
    }

    private static long count(String url, String table) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * CPU time of the PostgreSQL server on this port (the postmaster and every process under it, from /proc): what a
     * write costs the database, less blurred by the neighbours of a shared machine than latency. Clock ticks of 10 ms
     * per process, so only meaningful over thousands of calls.
     */
    private static double postgresCpuSeconds(int port) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().filter(c -> c.contains("postgres") && c.contains("-p " + port)).isPresent())
                .flatMap(p -> java.util.stream.Stream.concat(java.util.stream.Stream.of(p), p.descendants()))
                .mapToDouble(StoreWriteBenchmark::cpuSeconds).sum();
    }

    private static double cpuSeconds(ProcessHandle process) {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + process.pid() + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // utime, stime, and cutime, cstime: the postmaster's children that ended (autovacuum workers) count too
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12]) + Long.parseLong(fields[13])
                    + Long.parseLong(fields[14])) / 100.0; // ticks of 10 ms
        } catch (java.io.IOException | RuntimeException gone) {
            return 0;
        }
    }

    private static double processCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
    }

    private StoreWriteBenchmark() {
    }
}
