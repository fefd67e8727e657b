package dev.flowcast.ingest;

import dev.flowcast.config.Settings;
import jakarta.inject.Inject;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The publish API (contract §2): {@code POST /api/topics/{topic}/events} (one event) and {@code POST /api/events}
 * (1 to 1000 events, all or none).
 *
 * <p>A plain servlet rather than a JAX-RS resource because publishing is the hot path: profiled at 2400
 * publishes/s, Jersey's dispatch, its suspended-response machinery and the CDI proxies around a resource cost
 * about 20 times what the publish itself does (docs/benchmarks.md, "Publish path"). The rest of {@code /api}
 * stays JAX-RS; a servlet mapping more specific than {@code /api/*} wins for these two paths.
 *
 * <p>Checks run in the order a client can act on: key (401), content type (415), size (413), body (400), topic
 * (400), then admission (429/503). In {@code memory} mode the answer is known when the event is admitted and is
 * written at once; in {@code replicated} and {@code persistent} mode the request goes asynchronous and is answered
 * on the ingest's answer threads once the sequencer completes the event — no request thread waits for the cluster
 * or the store, and the sequencer does not wait for the answers to be written.
 *
 * <p>Thread-safe: no state of its own.
 */
@WebServlet(name = "publish", urlPatterns = {"/api/topics/*", "/api/events"}, asyncSupported = true)
public class PublishServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(PublishServlet.class.getName());
    /** The longest a publisher waits for a durable answer before a 503 (the stage then still handles the event). */
    static final long TIMEOUT_SECONDS = 30;
    private static final String EVENTS_SUFFIX = "/events";

    @Inject
    transient PublishGuard guard;

    @Inject
    transient Ingest ingest;

    @Inject
    transient Settings settings;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        boolean batch = "/api/events".equals(request.getServletPath());
        String topic = batch ? null : topicOf(request.getPathInfo());
        if (!batch && topic == null) {
            HttpAnswers.error(response, new PublishError(404, "not_found", "Not Found"));
            return;
        }
        if (!"POST".equals(request.getMethod())) {
            response.setHeader("Allow", "POST");
            HttpAnswers.error(response, new PublishError(405, "method_not_allowed", "Method Not Allowed"));
            return;
        }
        CompletionStage<String> answer;
        try {
            guard.check(request.getHeader("Authorization"));
            RequestBodies.requireJson(request.getContentType());
            answer = batch ? publishBatch(request) : publishOne(request, topic);
        } catch (PublishError refused) {
            HttpAnswers.error(response, refused);
            return;
        }
        CompletableFuture<String> done = answer.toCompletableFuture();
        if (done.isDone()) {
            answer(response, done.handle(PublishServlet::outcome).join());
        } else {
            answerLater(request, done, ingest.answers());
        }
    }

    private CompletionStage<String> publishOne(HttpServletRequest request, String topic) throws IOException {
        int limit = ingest.parser().maxBytes();
        byte[] body = RequestBodies.read(request.getInputStream(), request.getContentLengthLong(), limit,
                PublishError.tooLarge(limit));
        return ingest.publishJsonAsync(topic, body).thenApply(HttpAnswers::accepted);
    }

    private CompletionStage<String> publishBatch(HttpServletRequest request) throws IOException {
        int limit = settings.batchMaxBytes();
        PublishError tooLarge = new PublishError(413, "too_large",
                "the batch body is larger than flowcast.batch.max-bytes (" + limit + " bytes)");
        byte[] body = RequestBodies.read(request.getInputStream(), request.getContentLengthLong(), limit, tooLarge);
        List<BatchParser.Item> items = ingest.batchParser().parse(EventDataParser.decodeUtf8(body));
        return ingest.publishBatchAsync(items).thenApply(HttpAnswers::accepted);
    }

    /** Suspends the request until {@code done} completes or {@link #TIMEOUT_SECONDS} pass, whichever is first. */
    private static void answerLater(HttpServletRequest request, CompletableFuture<String> done, Executor writers) {
        AsyncContext async = request.startAsync();
        async.setTimeout(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
        AtomicBoolean answered = new AtomicBoolean();
        async.addListener(new AsyncListener() {
            @Override
            public void onTimeout(AsyncEvent event) {
                finish(async, answered, new PublishError(503, "unavailable", "the event was not confirmed within "
                        + TIMEOUT_SECONDS + " s; it may still be delivered"));
            }

            @Override
            public void onError(AsyncEvent event) {
                answered.set(true); // the publisher is gone: nothing to answer
            }

            @Override
            public void onComplete(AsyncEvent event) {
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
            }
        });
        // not on the completing thread (a sequencer worker): writing the answer costs more than numbering it
        done.whenCompleteAsync((json, failure) -> finish(async, answered, outcome(json, failure)), writers);
    }

    /** Writes the first answer of a suspended request and completes it; later ones (a timeout raced) are dropped. */
    private static void finish(AsyncContext async, AtomicBoolean answered, Object outcome) {
        if (!answered.compareAndSet(false, true)) {
            return;
        }
        try {
            answer((HttpServletResponse) async.getResponse(), outcome);
        } catch (IOException | RuntimeException gone) {
            LOG.log(Level.FINE, "the publisher is gone; its answer is dropped", gone);
        } finally {
            async.complete();
        }
    }

    /** The receipt's JSON, or the {@link PublishError} to answer instead. */
    private static Object outcome(String json, Throwable failure) {
        if (failure == null) {
            return json;
        }
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return cause instanceof PublishError error ? error
                : new PublishError(503, "unavailable", "the event was not accepted: " + cause.getMessage());
    }

    private static void answer(HttpServletResponse response, Object outcome) throws IOException {
        if (outcome instanceof PublishError error) {
            HttpAnswers.error(response, error);
        } else {
            HttpAnswers.json(response, 202, (String) outcome);
        }
    }

    /** {@code /{topic}/events} → topic (still to be validated), anything else → null (404). */
    static String topicOf(String pathInfo) {
        if (pathInfo == null || !pathInfo.endsWith(EVENTS_SUFFIX) || pathInfo.length() <= 1 + EVENTS_SUFFIX.length()) {
            return null;
        }
        String topic = pathInfo.substring(1, pathInfo.length() - EVENTS_SUFFIX.length());
        return topic.indexOf('/') >= 0 ? null : topic;
    }
}
