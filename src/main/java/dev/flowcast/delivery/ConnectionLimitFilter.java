package dev.flowcast.delivery;

import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Refuses a WebSocket upgrade with HTTP 503 when the node already holds {@code flowcast.client.max-connections}
 * connections (contract §1), or has lost its Hazelcast cluster (a client node cut off from it, which could deliver
 * nothing: the client is better served by another node), before the container spends anything on it.
 *
 * <p>Declared by annotation, so it runs before the filter the WebSocket container adds at start-up (Tyrus maps its
 * own upgrade filter after the application's). Threading: stateless; any request thread.
 */
@WebFilter(urlPatterns = "/ws", asyncSupported = true)
public class ConnectionLimitFilter extends HttpFilter {

    private static final byte[] BODY = ("{\"error\":\"too_many_connections\",\"message\":\"this node holds as many "
            + "WebSocket connections as it takes (flowcast.client.max-connections); try another node or later\"}")
            .getBytes(StandardCharsets.UTF_8);
    private static final byte[] CUT_OFF_BODY = ("{\"error\":\"unavailable\",\"message\":\"this node has lost its "
            + "Hazelcast cluster and is reconnecting; try another node or later\"}").getBytes(StandardCharsets.UTF_8);

    @Inject
    Delivery delivery;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if ("websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
            byte[] refusal = delivery.isFull() ? BODY : delivery.isCutOff() ? CUT_OFF_BODY : null;
            if (refusal != null) {
                response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
                response.setHeader("Retry-After", "5");
                response.setContentType("application/json");
                response.setContentLength(refusal.length);
                response.getOutputStream().write(refusal);
                return;
            }
        }
        chain.doFilter(request, response);
    }
}
