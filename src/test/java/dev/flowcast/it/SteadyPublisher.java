package dev.flowcast.it;

import jakarta.json.Json;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A publisher for cluster tests: one thread posting single events to one node at a steady pace, recording the id of
 * every event answered {@code 202} and counting every other answer (a dead node refuses connections; a leaving one
 * answers 503). Bounded: it stops by itself after {@code maxEvents}. Thread-safe reads.
 */
final class SteadyPublisher implements AutoCloseable {

    private final List<String> accepted = new CopyOnWriteArrayList<>();
    private final AtomicInteger refused = new AtomicInteger();
    private final Thread thread;
    private volatile boolean running = true;

    SteadyPublisher(NodeProcess node, String key, String topic, long pauseMicros, int maxEvents) {
        Api api = new Api(node.base());
        thread = new Thread(() -> {
            for (int n = 0; n < maxEvents && running; n++) {
                try {
                    HttpResponse<String> answer = api.post("api/topics/" + topic + "/events", "{\"n\":" + n + "}",
                            "application/json", "Bearer " + key);
                    if (answer.statusCode() == 202) {
                        accepted.add(Json.createReader(new StringReader(answer.body())).readObject().getString("id"));
                    } else {
                        refused.incrementAndGet();
                    }
                } catch (RuntimeException connectionRefused) {
                    refused.incrementAndGet();
                }
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(pauseMicros)); // the pace of the load, not a sync
            }
        }, "publisher-" + node.base().getPort());
        thread.setDaemon(true);
        thread.start();
    }

    /** Ids of the events answered 202 so far. */
    List<String> accepted() {
        return List.copyOf(accepted);
    }

    int refused() {
        return refused.get();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(60_000);
    }
}
