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
 * connections (contract §1), before the container spends anything on it.
 *
 * <p>Declared by annotation, so it runs before the filter the WebSocket container adds at start-up (Tyrus maps its
 * own upgrade filter after the application's). Threading: stateless; any request thread.
 */
@WebFilter(urlPatterns = "/ws", asyncSupported = true)
public class ConnectionLimitFilter extends HttpFilter {

    private static final byte[] BODY = ("{\"error\":\"too_many_connections\",\"message\":\"this node holds as many "
            + "WebSocket connections as it takes (flowcast.client.max-connections); try another node or later\"}")
            .getBytes(StandardCharsets.UTF_8);

    @Inject
    Delivery delivery;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if ("websocket".equalsIgnoreCase(request.getHeader("Upgrade")) && delivery.isFull()) {
            response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            response.setHeader("Retry-After", "5");
            response.setContentType("application/json");
            response.setContentLength(BODY.length);
            response.getOutputStream().write(BODY);
            return;
        }
        chain.doFilter(request, response);
    }
}
