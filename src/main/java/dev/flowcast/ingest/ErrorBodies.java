package dev.flowcast.ingest;

import dev.flowcast.event.JsonP;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The contract's error body, {@code {"error":"<code>","message":"<sentence>"}}, as a response. Stateless. */
public final class ErrorBodies {

    /** Seconds a 429 asks the publisher to wait. */
    static final String RETRY_AFTER_SECONDS = "1";

    private ErrorBodies() {
    }

    public static Response of(int status, String code, String message) {
        return of(new PublishError(status, code, message));
    }

    public static Response of(PublishError error) {
        Response.ResponseBuilder response = Response.status(error.status())
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(json(error));
        if (error.status() == 429) {
            response.header("Retry-After", RETRY_AFTER_SECONDS);
        }
        return response.build();
    }

    /** The body alone. */
    static String json(PublishError error) {
        JsonObjectBuilder body = JsonP.PROVIDER.createObjectBuilder()
                .add("error", error.code())
                .add("message", error.getMessage());
        if (error.index() != null) {
            body.add("index", error.index());
        }
        return body.build().toString();
    }
}
