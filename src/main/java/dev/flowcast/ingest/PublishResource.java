package dev.flowcast.ingest;

import dev.flowcast.event.JsonP;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;

/**
 * {@code POST /api/topics/{topic}/events}: publish one event (contract §2).
 *
 * <p>Checks run in the order a client can act on: key (401), content type (415), size (413), body (400),
 * topic (400), then admission (429/503). Thread-safe: no state of its own.
 */
@Path("/topics/{topic}/events")
@ApplicationScoped
public class PublishResource {

    @Inject
    PublishGuard guard;

    @Inject
    Ingest ingest;

    /**
     * Answers at once in {@code memory} mode; in {@code replicated} and {@code persistent} mode the request is
     * suspended until the event is numbered and stored (see {@link Ingest#publishAsync}).
     */
    @POST
    @Produces(MediaType.APPLICATION_JSON)
    public void publish(@PathParam("topic") String topic,
                        @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                        @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
                        @HeaderParam(HttpHeaders.CONTENT_LENGTH) Long contentLength,
                        InputStream body,
                        @Suspended AsyncResponse async) {
        AsyncAnswers.answer(async, () -> {
            guard.check(authorization);
            RequestBodies.requireJson(contentType);
            int limit = ingest.parser().maxBytes();
            byte[] bytes = RequestBodies.read(body, contentLength == null ? -1 : contentLength, limit, PublishError.tooLarge(limit));
            return ingest.publishJsonAsync(topic, bytes);
        }, PublishResource::accepted);
    }

    private static Response accepted(PublishReceipt receipt) {
        var answer = JsonP.PROVIDER.createObjectBuilder().add("id", receipt.id()).add("topic", receipt.topic());
        if (receipt.dropped()) {
            answer.add("dropped", true);
        }
        return Response.accepted(answer.build().toString()).type(MediaType.APPLICATION_JSON_TYPE).build();
    }
}
