package dev.flowcast.ingest;

import dev.flowcast.event.JsonP;
import dev.flowcast.config.Settings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.List;

/**
 * {@code POST /api/events}: publish 1 to 1000 events of any topics, all or none (contract §2).
 *
 * <p>Same checks and order as {@link PublishResource}; a bad item refuses the batch with its {@code index}.
 * The body may be at most {@code flowcast.batch.max-bytes}. Thread-safe: no state of its own.
 */
@Path("/events")
@ApplicationScoped
public class BatchResource {

    @Inject
    PublishGuard guard;

    @Inject
    Ingest ingest;

    @Inject
    Settings settings;

    /**
     * Answers at once in {@code memory} mode; in {@code replicated} and {@code persistent} mode the request is
     * suspended until every item is numbered and stored (see {@link Ingest#publishBatchAsync}).
     */
    @POST
    @Produces(MediaType.APPLICATION_JSON)
    public void publishBatch(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                             @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
                             @HeaderParam(HttpHeaders.CONTENT_LENGTH) Long contentLength,
                             InputStream body,
                             @Suspended AsyncResponse async) {
        AsyncAnswers.answer(async, () -> {
            guard.check(authorization);
            RequestBodies.requireJson(contentType);
            int limit = settings.batchMaxBytes();
            PublishError tooLarge = new PublishError(413, "too_large",
                    "the batch body is larger than flowcast.batch.max-bytes (" + limit + " bytes)");
            byte[] bytes = RequestBodies.read(body, contentLength == null ? -1 : contentLength, limit, tooLarge);
            List<BatchParser.Item> items = ingest.batchParser().parse(EventDataParser.decodeUtf8(bytes));
            return ingest.publishBatchAsync(items);
        }, BatchResource::accepted);
    }

    /**
     * {@code {"ids":[…]}}; with {@code "dropped":true} when an overflow policy discarded items, all of them under
     * drop-newest, or those listed in {@code "droppedIds"} when drop-oldest evicted part of a waiting batch.
     */
    private static Response accepted(BatchReceipt receipt) {
        JsonArrayBuilder idArray = JsonP.PROVIDER.createArrayBuilder();
        boolean all = receipt.droppedIds().size() == receipt.ids().size();
        if (!all) {
            receipt.ids().forEach(idArray::add);
        }
        var answer = JsonP.PROVIDER.createObjectBuilder().add("ids", idArray);
        if (!receipt.droppedIds().isEmpty()) {
            answer.add("dropped", true);
            if (!all) {
                JsonArrayBuilder dropped = JsonP.PROVIDER.createArrayBuilder();
                receipt.droppedIds().forEach(dropped::add);
                answer.add("droppedIds", dropped);
            }
        }
        return Response.accepted(answer.build().toString()).type(MediaType.APPLICATION_JSON_TYPE).build();
    }
}
