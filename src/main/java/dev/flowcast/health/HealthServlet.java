package dev.flowcast.health;

import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Flowcast's health checks served by the WAR itself on servers without MicroProfile Health (registered only there,
 * by {@link HealthEndpointInstaller}): {@code /health} (every check), {@code /health/ready} and
 * {@code /health/started} (readiness), {@code /health/live} (liveness); 200 when UP, 503 when DOWN, in MicroProfile
 * Health's JSON shape ({@link HealthJson}).
 *
 * <p>Unauthenticated, like the servers' own health endpoints. Threading: a servlet (one instance, concurrent
 * requests); stateless.
 */
public class HealthServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Inject
    transient PipelineReadiness readiness;

    @Inject
    transient PipelineLiveness liveness;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String which = request.getPathInfo() == null ? "/" : request.getPathInfo();
        List<CheckResult> checks = switch (which) {
            case "/", "" -> List.of(liveness.check(), readiness.check());
            case "/ready", "/started" -> List.of(readiness.check());
            case "/live" -> List.of(liveness.check());
            default -> null;
        };
        if (checks == null) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        response.setStatus(HealthJson.up(checks) ? HttpServletResponse.SC_OK
                : HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write(HealthJson.report(checks));
    }
}
