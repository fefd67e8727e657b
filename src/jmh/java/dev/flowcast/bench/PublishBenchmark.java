package dev.flowcast.bench;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Publish-side load: single-event {@code POST}s to one or more nodes at a fixed rate, on a schedule (latency is
 * measured from the intended send time, so a stalled server cannot hide behind a stalled publisher), at most
 * {@code inFlight} requests outstanding; reports request → {@code 202} p50/p99/max and accepted events/s. The first
 * quarter of the run is warm-up and not counted. Loopback only, bounded in time.
 *
 * <p>{@code mvn -B -Pbench compile exec:exec@publish -Dpublish.args="http://127.0.0.1:8080[,http://…] KEY RATE SECONDS TOPICS"}
 */
public final class PublishBenchmark {

    private static final int IN_FLIGHT = 256;

    public static void main(String[] args) throws Exception {
        String[] bases = args[0].split(",");
        for (String base : bases) {
            String host = URI.create(base).getHost();
            if (!"127.0.0.1".equals(host) && !"localhost".equals(host)) {
                throw new IllegalArgumentException("load tests run against loopback only");
            }
        }
        String key = args[1];
        int rate = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        int topics = Integer.parseInt(args[4]);
        // HTTP/1.1: the JDK client otherwise tries an h2c upgrade on every new connection
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        Histogram latency = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
        AtomicLong accepted = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        Semaphore inFlight = new Semaphore(IN_FLIGHT);
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) / rate;
        long start = System.nanoTime();
        long warmUpEnd = start + TimeUnit.SECONDS.toNanos(seconds) / 4;
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        long skipped = 0;
        for (long n = 0;; n++) {
            long intended = start + n * intervalNanos;
            if (intended >= end) {
                break;
            }
            long wait = intended - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            if (!inFlight.tryAcquire()) {
                skipped++; // the server is too slow: counted, and its latency shows in the requests that wait
                continue;
            }
            String base = bases[(int) (n % bases.length)];
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/topics/bench." + (n % topics) + "/events"))
                    .timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"n\":" + n + ",\"pad\":\"0123456789012345678901234567\"}"))
                    .build();
            boolean counted = intended >= warmUpEnd;
            http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
                inFlight.release();
                if (!counted) {
                    return;
                }
                if (failure == null && response.statusCode() == 202) {
                    accepted.incrementAndGet();
                    synchronized (latency) {
                        latency.recordValue(Math.max(0, (System.nanoTime() - intended) / 1000));
                    }
                } else {
                    refused.incrementAndGet();
                }
            });
        }
        inFlight.tryAcquire(IN_FLIGHT, 60, TimeUnit.SECONDS);
        double measured = (end - warmUpEnd) / 1e9;
        synchronized (latency) {
            System.out.printf("nodes=%d rate=%d/s topics=%d measured=%.0fs accepted=%.0f/s refused=%d skipped=%d%n",
                    bases.length, rate, topics, measured, accepted.get() / measured, refused.get(), skipped);
            System.out.printf("request->202 ms: p50=%.2f p90=%.2f p99=%.2f max=%.2f%n",
                    latency.getValueAtPercentile(50) / 1000.0, latency.getValueAtPercentile(90) / 1000.0,
                    latency.getValueAtPercentile(99) / 1000.0, latency.getMaxValue() / 1000.0);
        }
        System.out.printf("load average: %.2f%n", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
}
