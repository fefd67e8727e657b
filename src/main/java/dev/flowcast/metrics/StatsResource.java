package dev.flowcast.metrics;

import dev.flowcast.auth.AdminAuthenticator;
import dev.flowcast.ingest.ErrorBodies;
import dev.flowcast.ingest.PublishGuard;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * {@code GET /api/stats}: this member's numbers, every member's and the cluster's totals (contract §4), for the
 * publish key ({@code Authorization: Bearer …}) or the admin ({@code Authorization: Basic …}); 401 otherwise.
 *
 * <p>Threading: request-scoped; reads the {@link StatsService} snapshot only.
 */
@Path("stats")
@RequestScoped
public class StatsResource {

    @Inject
    StatsService stats;

    @Inject
    PublishGuard publishKey;

    @Inject
    AdminAuthenticator admin;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response get(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @Context HttpServletRequest request) {
        if (!publishKey.accepts(authorization) && !admin.acceptsBasic(authorization, request.getRemoteAddr())) {
            return Response.fromResponse(ErrorBodies.of(401, "unauthorized",
                            "send Authorization: Bearer <flowcast.publish.key>, or HTTP Basic as admin"))
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"flowcast\", charset=\"UTF-8\"")
                    .build();
        }
        return Response.ok(StatsJson.view(stats.view()).toString(), MediaType.APPLICATION_JSON_TYPE)
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .build();
    }
}
