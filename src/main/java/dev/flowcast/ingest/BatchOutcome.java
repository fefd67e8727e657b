package dev.flowcast.ingest;

import dev.flowcast.event.Event;
import dev.flowcast.metrics.FlowcastMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The answer to one durable batch publish: complete once every item was numbered (or dropped); failed as soon as one
 * item could not be stored.
 *
 * <p>Threading: items are told from stage workers and producer threads at once; every method is synchronized (a
 * batch has at most 1000 items, told once each).
 */
final class BatchOutcome implements Admitted.Outcome {

    private final List<String> ids;
    private final FlowcastMetrics metrics;
    private final CompletableFuture<BatchReceipt> answer = new CompletableFuture<>();
    private final List<String> dropped = new ArrayList<>();
    private int waiting;
    private int numbered;

    BatchOutcome(List<String> ids, FlowcastMetrics metrics) {
        this.ids = ids;
        this.metrics = metrics;
        this.waiting = ids.size();
    }

    CompletableFuture<BatchReceipt> answer() {
        return answer;
    }

    @Override
    public synchronized void numbered(Event event) {
        numbered++;
        told();
    }

    @Override
    public synchronized void dropped(Event event) {
        dropped.add(event.id());
        told();
    }

    @Override
    public synchronized void failed(Event event, PublishError why) {
        if (answer.completeExceptionally(why)) {
            metrics.rejected(ids.size());
        }
    }

    private void told() {
        if (--waiting == 0 && answer.complete(new BatchReceipt(ids, List.copyOf(dropped)))) {
            metrics.accepted(numbered);
        }
    }
}
