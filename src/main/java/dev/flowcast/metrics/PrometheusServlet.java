package dev.flowcast.metrics;

import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * {@code GET /metrics} served by the WAR itself, in the Prometheus text format ({@link PrometheusText}), on servers
 * without MicroProfile Metrics. Registered only there, by {@link MetricsEndpointInstaller}: where the server has
 * MicroProfile Metrics, its own {@code /metrics} serves the same names.
 *
 * <p>Unauthenticated, like the servers' own metrics endpoints: it shows counts and latencies, never a secret.
 * Threading: a servlet (one instance, concurrent requests); stateless.
 */
public class PrometheusServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Inject
    transient FlowcastMetrics metrics;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String body = PrometheusText.render(metrics, System.nanoTime());
        response.setContentType(PrometheusText.CONTENT_TYPE);
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write(body);
    }
}
