package dev.flowcast.ingest;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that write the answers of durable publishes ({@code 202} or an error) once the sequencer has numbered
 * (and stored) their events.
 *
 * <p>Why not the sequencer's own workers: completing a suspended request writes its response and runs the
 * container's after-request work on the calling thread. Profiled at 1 000 requests/s in {@code replicated} mode on
 * three members, that was 15 % of the accepting member's CPU, all of it on the ingest workers, which numbered the
 * next batch only after every publisher of the last one was answered (docs/profiles/durability-answers.txt).
 *
 * <p>Bounded: at most {@link #QUEUE} answers wait; beyond that the thread that completed the publish (a sequencer
 * worker) writes the answer itself, which slows numbering down instead of growing a queue. After {@link #close} the
 * completing thread writes it too: no answer is ever dropped.
 *
 * <p>Threading: {@link #execute} from any thread; {@link #close} once, by the lifecycle, after the ingest drained.
 */
final class AnswerPool implements Executor {

    static final int QUEUE = 4096;

    private final ThreadPoolExecutor pool;

    /** @param threads the container's thread factory (the threads are long-lived, made once) */
    AnswerPool(ThreadFactory threads, int count) {
        this(threads, count, QUEUE);
    }

    AnswerPool(ThreadFactory threads, int count, int queue) {
        AtomicInteger made = new AtomicInteger();
        ThreadFactory named = task -> {
            Thread thread = threads.newThread(task);
            if (thread == null) {
                throw new IllegalStateException("the thread factory gave no thread for the publish answers");
            }
            thread.setName("flowcast-answers-" + made.getAndIncrement());
            return thread;
        };
        pool = new ThreadPoolExecutor(count, count, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queue), named,
                (answer, full) -> answer.run()); // full or closed: the completing thread answers
        pool.prestartAllCoreThreads();
    }

    @Override
    public void execute(Runnable answer) {
        pool.execute(answer);
    }

    /** Writes the answers still queued, within {@code timeout}; true when none was left. */
    boolean close(Duration timeout) {
        pool.shutdown();
        try {
            return pool.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
