package dev.flowcast.bench;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * End-to-end load generator for Flowcast and its reference servers: C lean NIO WebSocket clients on T topics, a
 * lean HTTP/1.1 publisher on a fixed schedule or as fast as accepted, and a report of delivered / expected / lost,
 * deliveries/s, latency percentiles, CPU and RSS (see {@link Options#USAGE} and docs/benchmarks.md).
 *
 * <pre>
 *   main thread ── connects, opens the window, samples /proc, waits, reports
 *   SubscriberLoop × --threads ── selector: client i on loop i mod threads, URL i mod |ws|, topic i mod T
 *   Publisher ── selector: --inflight keep-alive connections, one request in flight each
 * </pre>
 *
 * <p>Phases: connect and subscribe every client (at most {@code --max-connecting} upgrades at once); then either
 * idle for {@code --idle} seconds, or publish for warm-up plus the measured window, then wait up to
 * {@code --drain} seconds for the last deliveries. Warm-up and drain are excluded from every figure: an event
 * counts when its intended send time lies in the window. Loopback only; stops by itself.
 */
public final class LoadGenerator {

    private static final String WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final long PROGRESS_EVERY_MILLIS = 5_000;
    private static final long DRAIN_STALL_MILLIS = 20_000;

    private final Options options;
    private final MicroClock clock = new MicroClock();
    private final Window window = new Window();
    private final List<SubscriberLoop> loops = new ArrayList<>();
    private final List<Thread> loopThreads = new ArrayList<>();
    private final Report report = new Report();

    private LoadGenerator(Options options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.print(Options.USAGE);
            System.exit(2);
            return;
        }
        System.exit(new LoadGenerator(options).run());
    }

    private int run() throws Exception {
        String loadBefore = ProcStats.loadAverage();
        log("scenario " + options.scenario + ": " + options.effective() + "; load average " + loadBefore);
        long[] rssBefore = new long[options.serverPids.length];
        long[] heapBefore = new long[options.serverPids.length];
        if (options.idleMode()) {
            sampleServerMemory(rssBefore, heapBefore);
        }
        createClients();
        loopThreads.forEach(Thread::start);
        int subscribed = awaitSubscriptions();
        if (subscribed == 0) {
            log("no client subscribed; giving up");
            stopLoops();
            return 1;
        }
        report.section("Run");
        report.add("scenario", "scenario", options.scenario)
                .add("load_before", "load average at start (1/5/15 min)", loadBefore)
                .add("clients", "clients", options.clients)
                .add("topics", "topics", options.topics)
                .add("subscribed", "subscribed", subscribed);
        int exit = options.idleMode() ? idle(rssBefore, heapBefore) : load();
        report.add("load_after", "load average at end (1/5/15 min)", ProcStats.loadAverage());
        report.print(System.out);
        return exit;
    }

    private void createClients() {
        for (int t = 0; t < options.threads; t++) {
            SubscriberLoop loop = new SubscriberLoop(window, clock, Math.max(1, options.maxConnecting / options.threads));
            loops.add(loop);
            Thread thread = new Thread(loop, "subscribers-" + t);
            thread.setDaemon(true);
            loopThreads.add(thread);
        }
        String key = Base64.getEncoder().encodeToString(new SecureRandom().generateSeed(16));
        byte[] accept = FrameScanner.ascii(websocketAccept(key));
        Map<Endpoint, byte[]> upgrades = new HashMap<>();
        for (Endpoint ws : options.ws) {
            upgrades.put(ws, FrameScanner.ascii("GET " + ws.target() + " HTTP/1.1\r\nHost: " + ws.hostHeader()
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
                    + "\r\nSec-WebSocket-Version: 13\r\n\r\n"));
        }
        BenchTokens tokens = options.privateTopics ? new BenchTokens(options.authSecret) : null;
        Map<Integer, byte[]> subscribes = new HashMap<>();
        for (int i = 0; i < options.clients; i++) {
            int topic = i % options.topics;
            byte[] subscribe = subscribes.computeIfAbsent(topic, t -> FrameScanner.ascii(
                    "{\"type\":\"subscribe\",\"topic\":\"" + options.topic(t) + "\""
                            + (tokens == null ? "" : ",\"token\":\"" + tokens.forTopic(options.topic(t)) + "\"") + "}"));
            SubscriberLoop loop = loops.get(i % loops.size());
            Endpoint ws = options.ws.get(i % options.ws.size());
            loop.clients.add(new WsClient(i, ws, new TopicCheck(FrameScanner.ascii(options.topic(topic)), topic),
                    subscribe, upgrades.get(ws), accept, loop, loop.stats));
        }
    }

    private int awaitSubscriptions() throws InterruptedException {
        long deadline = System.currentTimeMillis() + options.connectTimeoutSeconds * 1000L;
        long nextLog = System.currentTimeMillis() + PROGRESS_EVERY_MILLIS;
        while (true) {
            int subscribed = loops.stream().mapToInt(l -> l.subscribedCount).sum();
            int failed = loops.stream().mapToInt(l -> l.failedCount).sum();
            if (subscribed + failed >= options.clients) {
                log("subscribed " + subscribed + ", failed " + failed + " of " + options.clients);
                return subscribed;
            }
            if (System.currentTimeMillis() > deadline) {
                loops.forEach(SubscriberLoop::giveUpPending);
                while (!loops.stream().allMatch(l -> l.gaveUp)) {
                    Thread.sleep(10); // waiting for the loops to close what is pending
                }
                subscribed = loops.stream().mapToInt(l -> l.subscribedCount).sum();
                log("--connect-timeout ran out: " + subscribed + " subscribed; the other "
                        + (options.clients - subscribed) + " clients are given up");
                return subscribed;
            }
            if (System.currentTimeMillis() > nextLog) {
                log("subscribing: " + subscribed + " subscribed, " + failed + " failed of " + options.clients);
                nextLog += PROGRESS_EVERY_MILLIS;
            }
            Thread.sleep(100); // polling the loops' progress, not synchronising a test
        }
    }

    /** Idle mode: nothing published; CPU over the window and RSS per connection. */
    private int idle(long[] rssBefore, long[] heapBefore) throws InterruptedException {
        long start = clock.micros();
        window.set(start, start + options.idleSeconds * 1_000_000L);
        double[] cpuStart = cpuNow();
        log("idle for " + options.idleSeconds + " s");
        sleepUntil(window.end());
        double[] cpuEnd = cpuNow();
        long[] rssAfter = new long[options.serverPids.length];
        long[] heapAfter = new long[options.serverPids.length];
        sampleServerMemory(rssAfter, heapAfter);
        int open = loops.stream().mapToInt(l -> l.subscribedCount).sum();
        stopLoops();
        report.section("Idle connections");
        report.add("open_after_idle", "subscribed connections still open after the idle time", open);
        report.add("closed_during_run", "closed by the server", loops.stream().mapToInt(l -> l.closedCount).sum());
        addFailures();
        addCpu(cpuStart, cpuEnd);
        for (int i = 0; i < options.serverPids.length; i++) {
            String pid = Long.toString(options.serverPids[i]);
            report.add("server_rss_before_kib_" + pid, "server " + pid + " RSS before connecting (KiB)", rssBefore[i]);
            report.add("server_rss_after_kib_" + pid, "server " + pid + " RSS with the connections (KiB)", rssAfter[i]);
            report.add("server_rss_per_conn_kib_" + pid, "server " + pid + " RSS per connection (KiB)",
                    (rssAfter[i] - rssBefore[i]) / (double) Math.max(1, open));
            if (options.serverGc) {
                report.add("server_heap_before_kib_" + pid, "server " + pid + " heap used after full GC, before (KiB)", heapBefore[i]);
                report.add("server_heap_after_kib_" + pid, "server " + pid + " heap used after full GC, with the connections (KiB)", heapAfter[i]);
                report.add("server_heap_per_conn_kib_" + pid, "server " + pid + " live heap per connection (KiB)",
                        (heapAfter[i] - heapBefore[i]) / (double) Math.max(1, open));
            }
        }
        return 0;
    }

    /** Load mode: publish (or only receive) through warm-up and window, drain, report. */
    private int load() throws InterruptedException {
        long start = clock.micros() + 500_000; // lets the publisher open its connections first
        long windowStart = start + options.warmupSeconds * 1_000_000L;
        window.set(windowStart, windowStart + options.durationSeconds * 1_000_000L);
        Publisher publisher = null;
        Thread publisherThread = null;
        if (!options.receiveOnly()) {
            publisher = new Publisher(options, new EventBodies(options), window, clock, start);
            publisherThread = new Thread(publisher, "publisher");
            publisherThread.setDaemon(true);
            publisherThread.start();
        }
        log("warm-up " + options.warmupSeconds + " s, then " + options.durationSeconds + " s measured");
        sleepUntil(window.start());
        double[] cpuStart = cpuNow();
        long lastReceived = 0;
        for (long t = window.start() + PROGRESS_EVERY_MILLIS * 1000; t < window.end(); t += PROGRESS_EVERY_MILLIS * 1000) {
            sleepUntil(t);
            long received = received();
            log(String.format("measuring: %.0f deliveries/s, accepted %d events so far", (received - lastReceived)
                    / (PROGRESS_EVERY_MILLIS / 1000.0), publisher == null ? 0 : publisher.acceptedProgress));
            lastReceived = received;
        }
        sleepUntil(window.end());
        double[] cpuEnd = cpuNow();
        long[] rss = new long[options.serverPids.length];
        for (int i = 0; i < rss.length; i++) {
            rss[i] = ProcStats.rssKib(Long.toString(options.serverPids[i]));
        }
        long generatorRss = ProcStats.rssKib("self");
        long expected = -1;
        if (publisher != null) {
            publisherThread.join();
            expected = expected(publisher);
            drain(expected);
        }
        stopLoops();
        DeliveryStats total = merge();
        report.section("Delivery (events stamped inside the measured window)");
        report.add("window_s", "measured seconds", window.seconds());
        addDelivery(total, expected, publisher == null ? null : publisher.acceptedPerTopic);
        if (publisher != null) {
            addPublishing(publisher);
        }
        report.section("Resources over the window");
        addCpu(cpuStart, cpuEnd);
        report.add("generator_rss_kib", "generator RSS at the window's end (KiB)", generatorRss);
        for (int i = 0; i < rss.length; i++) {
            report.add("server_rss_kib_" + options.serverPids[i], "server " + options.serverPids[i]
                    + " RSS at the window's end (KiB)", rss[i]);
        }
        return 0;
    }

    /** Each subscribed client expects every event accepted for its topic inside the window. */
    private long expected(Publisher publisher) {
        long expected = 0;
        for (SubscriberLoop loop : loops) {
            for (WsClient client : loop.clients) {
                if (client.check.subscribed) {
                    expected += publisher.acceptedPerTopic[client.check.topicIndex];
                }
            }
        }
        return expected;
    }

    /**
     * Waits until every expected delivery arrived, nothing arrived for {@link #DRAIN_STALL_MILLIS}, or
     * {@code --drain} ran out. The stall bound is long because a saturated server delivers in bursts seconds apart.
     */
    private void drain(long expected) throws InterruptedException {
        long deadline = System.currentTimeMillis() + options.drainSeconds * 1000L;
        long last = -1;
        long lastChange = System.currentTimeMillis();
        while (System.currentTimeMillis() < deadline) {
            long delivered = loops.stream().mapToLong(l -> l.stats.deliveredProgress).sum();
            if (delivered >= expected) {
                return;
            }
            if (delivered != last) {
                last = delivered;
                lastChange = System.currentTimeMillis();
            } else if (System.currentTimeMillis() - lastChange > DRAIN_STALL_MILLIS) {
                log("draining: no delivery for " + DRAIN_STALL_MILLIS / 1000 + " s, stopping at " + delivered + " of " + expected);
                return;
            }
            Thread.sleep(100); // polling the loops' progress, not synchronising a test
        }
        log("draining: --drain ran out");
    }

    /**
     * @param acceptedPerTopic events accepted per topic inside the window; null when nothing was published
     */
    private void addDelivery(DeliveryStats total, long expected, long[] acceptedPerTopic) {
        long delivered = total.deliveredInWindow;
        long lost = 0;
        long unexpected = 0;
        long duplicated = 0;
        long outOfOrder = 0;
        long missing = 0;
        long gapFrames = 0;
        long gapEvents = 0;
        for (SubscriberLoop loop : loops) {
            for (WsClient client : loop.clients) {
                TopicCheck c = client.check;
                duplicated += c.duplicated;
                outOfOrder += c.outOfOrder;
                missing += c.missing;
                gapFrames += c.gapFrames;
                gapEvents += c.gapEvents;
            }
        }
        if (acceptedPerTopic != null) {
            for (SubscriberLoop loop : loops) {
                for (WsClient client : loop.clients) {
                    if (client.check.subscribed) {
                        long want = acceptedPerTopic[client.check.topicIndex];
                        lost += Math.max(0, want - client.check.delivered);
                        unexpected += Math.max(0, client.check.delivered - want);
                    }
                }
            }
        }
        report.add("expected", "expected deliveries (accepted events x subscribers of their topic)", expected)
                .add("delivered", "delivered", delivered)
                .add("events_total", "event frames received in the whole run, warm-up and drain included", total.events)
                .add("lost", "lost (expected, never delivered)", expected < 0 ? -1 : lost)
                .add("unexpected", "delivered beyond expected (events whose publish got no answer)", unexpected)
                .add("duplicated", "duplicated (seq not above the previous one)", duplicated)
                .add("out_of_order", "out of order (seq jumped ahead with no gap frame)", outOfOrder)
                .add("missing_seqs", "seqs skipped by those jumps", missing)
                .add("gap_frames", "gap frames", gapFrames)
                .add("gap_events", "events announced lost by gap frames", gapEvents)
                .add("foreign", "frames of a topic the client did not subscribe to", total.foreign)
                .add("errors", "error frames and protocol errors", total.errors)
                .add("last_error", "last error", total.lastError)
                .add("closed_during_run", "clients closed by the server during the run", loops.stream().mapToInt(l -> l.closedCount).sum())
                .add("deliveries_per_s", "deliveries/s (events received inside the window)", total.receivedInWindow / window.seconds());
        addFailures();
        report.latency("latency_intended", "latency from intended send time", total.fromIntended);
        report.latency("latency_accept", "latency from server accept (ts)", total.fromAccept);
    }

    private void addPublishing(Publisher p) {
        report.section("Publishing");
        double seconds = window.seconds();
        report.add("mode", "mode", options.rate > 0 ? "fixed rate " + options.rate + " events/s" : "as fast as accepted")
                .add("batch", "events per request", options.batch)
                .add("inflight", "connections (one request in flight each)", options.inflight)
                .add("requests", "requests sent (whole run)", p.requests)
                .add("accepted_in_window", "events accepted (202) inside the window", p.acceptedInWindow)
                .add("accepted_per_s", "accepted events/s", p.acceptedInWindow / seconds)
                .add("publishes_per_s", "accepted requests/s", p.requestsAcceptedInWindow / seconds)
                .add("rejected_429", "requests answered 429 (whole run)", p.rejected429)
                .add("other_statuses", "other statuses (whole run)", p.otherStatuses.toString())
                .add("io_errors", "connection errors", p.ioErrors)
                .add("last_io_error", "last connection error", p.lastIoError)
                .add("reconnects", "reconnects (idle connections the server closed, or after errors)", p.reconnects)
                .add("unanswered_events", "events of requests never answered", p.unanswered)
                .add("publisher_max_behind_ms", "publisher at most behind its schedule (ms)", p.maxBacklogMicros / 1000.0);
        report.latency("publish_latency", "publish latency, request -> 202", p.publishLatency);
    }

    private void addFailures() {
        Map<String, Integer> failures = new TreeMap<>();
        loops.forEach(l -> l.failures.forEach((k, v) -> failures.merge(k, v, Integer::sum)));
        report.add("failures", "clients that failed or were closed, by reason", failures.toString());
    }

    private void addCpu(double[] start, double[] end) {
        double seconds = window.seconds();
        double generator = end[0] - start[0];
        report.add("generator_cpu_s", "generator CPU seconds", generator)
                .add("generator_cores", "generator cores busy (CPU s / s)", generator / seconds);
        double server = 0;
        for (int i = 0; i < options.serverPids.length; i++) {
            double cpu = end[i + 1] - start[i + 1];
            server += cpu;
            report.add("server_cpu_s_" + options.serverPids[i], "server " + options.serverPids[i] + " CPU seconds", cpu);
        }
        if (options.serverPids.length > 0) {
            report.add("server_cpu_s", "server CPU seconds, all PIDs", server)
                    .add("server_cores", "server cores busy (CPU s / s)", server / seconds);
        }
    }

    private double[] cpuNow() {
        double[] cpu = new double[1 + options.serverPids.length];
        cpu[0] = ProcStats.cpuSeconds("self");
        for (int i = 0; i < options.serverPids.length; i++) {
            cpu[i + 1] = ProcStats.cpuSeconds(Long.toString(options.serverPids[i]));
        }
        return cpu;
    }

    private void sampleServerMemory(long[] rss, long[] heap) {
        for (int i = 0; i < options.serverPids.length; i++) {
            if (options.serverGc) {
                ProcStats.fullGc(options.serverPids[i]);
                heap[i] = ProcStats.heapUsedKib(options.serverPids[i]);
            }
            rss[i] = ProcStats.rssKib(Long.toString(options.serverPids[i]));
        }
    }

    private long received() {
        return loops.stream().mapToLong(l -> l.stats.receivedProgress).sum();
    }

    private DeliveryStats merge() {
        DeliveryStats total = new DeliveryStats();
        for (SubscriberLoop loop : loops) {
            DeliveryStats s = loop.stats;
            total.fromIntended.add(s.fromIntended);
            total.fromAccept.add(s.fromAccept);
            total.receivedInWindow += s.receivedInWindow;
            total.deliveredInWindow += s.deliveredInWindow;
            total.events += s.events;
            total.foreign += s.foreign;
            total.errors += s.errors;
            if (!s.lastError.isEmpty()) {
                total.lastError = s.lastError;
            }
        }
        return total;
    }

    private void stopLoops() throws InterruptedException {
        loops.forEach(SubscriberLoop::stop);
        for (Thread thread : loopThreads) {
            thread.join();
        }
    }

    private void sleepUntil(long micros) throws InterruptedException {
        long wait = (micros - clock.micros()) / 1000;
        if (wait > 0) {
            Thread.sleep(wait); // pacing the run's phases, not synchronising a test
        }
    }

    private static String websocketAccept(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + WS_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void log(String line) {
        System.err.println("[loadgen] " + line);
    }

}
