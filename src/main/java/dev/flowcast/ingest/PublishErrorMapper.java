package dev.flowcast.ingest;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** Turns a {@link PublishError} thrown anywhere in the API into the contract's error response. */
@Provider
public class PublishErrorMapper implements ExceptionMapper<PublishError> {

    @Override
    public Response toResponse(PublishError error) {
        return ErrorBodies.of(error);
    }
}
