package dev.flowcast.ingest;

import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.core.Response;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Answers a suspended publish request ({@link AsyncResponse}) when its outcome is known, so no request thread waits
 * for the cluster or the store in {@code replicated} and {@code persistent} mode.
 *
 * <p>Errors are turned into the contract's error bodies here (not left to exception mappers, which a resume from a
 * non-request thread does not reliably reach on every server). Stateless; any thread.
 */
final class AsyncAnswers {

    private static final Logger LOG = Logger.getLogger(AsyncAnswers.class.getName());
    /** The longest a publisher waits for a durable answer before a 503 (the stage then still handles the event). */
    static final long TIMEOUT_SECONDS = 30;

    private AsyncAnswers() {
    }

    /**
     * Runs {@code publish} and resumes {@code async} with its answer: at once for a refusal or a completed stage,
     * else when the stage completes.
     */
    static <T> void answer(AsyncResponse async, Supplier<CompletionStage<T>> publish, Function<T, Response> ok) {
        CompletionStage<T> outcome;
        try {
            outcome = publish.get();
        } catch (PublishError refused) {
            async.resume(ErrorBodies.of(refused));
            return;
        } catch (RuntimeException failed) {
            async.resume(failed);
            return;
        }
        var done = outcome.toCompletableFuture();
        if (!done.isDone()) {
            async.setTimeout(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            async.setTimeoutHandler(timedOut -> timedOut.resume(ErrorBodies.of(new PublishError(503, "unavailable",
                    "the event was not confirmed within " + TIMEOUT_SECONDS + " s; it may still be delivered"))));
        }
        outcome.whenComplete((value, failure) -> {
            try {
                if (failure == null) {
                    async.resume(ok.apply(value));
                } else {
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure;
                    async.resume(cause instanceof PublishError error ? ErrorBodies.of(error)
                            : ErrorBodies.of(503, "unavailable", "the event was not accepted: " + cause.getMessage()));
                }
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "the publisher is gone; its answer is dropped", e);
            }
        });
    }
}
