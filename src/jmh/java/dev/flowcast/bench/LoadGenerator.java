package dev.flowcast.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * End-to-end load generator: C WebSocket clients subscribe to one topic of a running node, a publisher posts
 * R events/s for D seconds through the batch API, and every client measures delivery latency (its receive
 * time minus the event's {@code ts}, the accept time) and checks that seqs arrive consecutively.
 *
 * <p>Loopback only, bounded in time, stops by itself. Run against a node started with the README's first
 * command (plus {@code FLOWCAST_PUBLISH_KEY}):
 * {@code mvn -B -Pbench compile exec:exec@loadgen -Dload.args="http://127.0.0.1:8080 KEY 100 1000 20"}
 * (base URL, publish key, clients, events/s, seconds).
 */
public final class LoadGenerator {

    private static final int BATCHES_PER_SECOND = 20;

    public static void main(String[] args) throws Exception {
        URI base = URI.create(args[0]);
        if (!"127.0.0.1".equals(base.getHost()) && !"localhost".equals(base.getHost())) {
            throw new IllegalArgumentException("load tests run against loopback only");
        }
        String key = args[1];
        int clients = Integer.parseInt(args[2]);
        int rate = Integer.parseInt(args[3]);
        int seconds = Integer.parseInt(args[4]);
        String topic = "public:load." + System.nanoTime();

        Recorder latency = new Recorder(3);
        AtomicLong received = new AtomicLong();
        AtomicLong outOfOrder = new AtomicLong();
        HttpClient http = HttpClient.newHttpClient();
        List<WebSocket> sockets = new ArrayList<>();
        CountDownLatch subscribed = new CountDownLatch(clients);
        URI ws = URI.create(base.toString().replaceFirst("^http", "ws") + "/ws");
        for (int i = 0; i < clients; i++) {
            sockets.add(http.newWebSocketBuilder().buildAsync(ws, new Client(latency, received, outOfOrder, subscribed)).join());
        }
        for (WebSocket socket : sockets) {
            socket.sendText("{\"type\":\"subscribe\",\"topic\":\"" + topic + "\"}", true).join();
        }
        if (!subscribed.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("clients did not all subscribe");
        }

        int perBatch = Math.max(1, rate / BATCHES_PER_SECOND);
        long periodNanos = TimeUnit.SECONDS.toNanos(1) / BATCHES_PER_SECOND;
        long start = System.nanoTime();
        long published = 0;
        Histogram total = new Histogram(3);
        for (int b = 0; b < seconds * BATCHES_PER_SECOND; b++) {
            StringBuilder body = new StringBuilder("[");
            for (int i = 0; i < perBatch; i++) {
                body.append(i > 0 ? "," : "").append("{\"topic\":\"").append(topic)
                        .append("\",\"data\":{\"n\":").append(published + i).append(",\"pad\":\"0123456789abcdef0123456789abcdef\"}}");
            }
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/api/events"))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.append(']').toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 202) {
                throw new IllegalStateException("publish answered " + response.statusCode() + ": " + response.body());
            }
            published += perBatch;
            long wait = start + (b + 1) * periodNanos - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait); // pacing of the generator, not test synchronization
            }
        }
        long expected = published * clients;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (received.get() < expected && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(50);
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        total.add(latency.getIntervalHistogram());
        System.out.printf("clients=%d rate=%d/s seconds=%d published=%d deliveries=%d/%d (%.0f/s) outOfOrder=%d%n",
                clients, rate, seconds, published, received.get(), expected, received.get() / elapsed, outOfOrder.get());
        System.out.printf("latency ms (accept -> client receive): p50=%.2f p90=%.2f p99=%.2f p99.9=%.2f max=%.2f%n",
                total.getValueAtPercentile(50) / 1000.0, total.getValueAtPercentile(90) / 1000.0,
                total.getValueAtPercentile(99) / 1000.0, total.getValueAtPercentile(99.9) / 1000.0,
                total.getMaxValue() / 1000.0);
        for (WebSocket socket : sockets) {
            socket.abort();
        }
    }

    /** One subscriber: splits packed messages, records latency, checks consecutive seqs. */
    private static final class Client implements WebSocket.Listener {
        private final Recorder latency;
        private final AtomicLong received;
        private final AtomicLong outOfOrder;
        private final CountDownLatch subscribed;
        private final StringBuilder partial = new StringBuilder();
        private long lastSeq = -1;

        Client(Recorder latency, AtomicLong received, AtomicLong outOfOrder, CountDownLatch subscribed) {
            this.latency = latency;
            this.received = received;
            this.outOfOrder = outOfOrder;
            this.subscribed = subscribed;
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                Instant now = Instant.now();
                long nowMicros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
                for (String frame : partial.toString().split("\n")) {
                    if (frame.startsWith("{\"type\":\"event\"")) {
                        long seq = number(frame, "\"seq\":");
                        if (lastSeq >= 0 && seq != lastSeq + 1) {
                            outOfOrder.incrementAndGet();
                        }
                        lastSeq = seq;
                        latency.recordValue(Math.max(0, nowMicros - number(frame, "\"ts\":")));
                        received.incrementAndGet();
                    } else if (frame.startsWith("{\"type\":\"subscribed\"")) {
                        lastSeq = number(frame, "\"seq\":");
                        subscribed.countDown();
                    }
                }
                partial.setLength(0);
            }
            socket.request(1);
            return null;
        }

        private static long number(String frame, String field) {
            int at = frame.indexOf(field) + field.length();
            int end = at;
            while (end < frame.length() && Character.isDigit(frame.charAt(end))) {
                end++;
            }
            return Long.parseLong(frame.substring(at, end));
        }
    }

    private LoadGenerator() {
    }
}
