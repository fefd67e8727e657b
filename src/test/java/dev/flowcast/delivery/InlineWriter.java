package dev.flowcast.delivery;

import java.util.ArrayDeque;

/**
 * A deterministic stand-in for an outbox writer thread: scheduled outboxes are written on the scheduling thread,
 * one after the other (a trampoline, so an inline completion that schedules again does not recurse).
 */
final class InlineWriter implements Outbox.WriteScheduler {

    private final ArrayDeque<Outbox> ready = new ArrayDeque<>();
    private boolean running;
    int scheduled;

    @Override
    public void schedule(Outbox outbox) {
        synchronized (this) {
            scheduled++;
            ready.addLast(outbox);
            if (running) {
                return;
            }
            running = true;
        }
        while (true) {
            Outbox next;
            synchronized (this) {
                next = ready.pollFirst();
                if (next == null) {
                    running = false;
                    return;
                }
            }
            next.writeNext();
        }
    }
}
