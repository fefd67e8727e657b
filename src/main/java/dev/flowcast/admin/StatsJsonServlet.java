package dev.flowcast.admin;

import dev.flowcast.event.JsonP;
import dev.flowcast.metrics.StatsJson;
import dev.flowcast.metrics.StatsService;
import jakarta.inject.Inject;
import jakarta.json.JsonObjectBuilder;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /admin/stats.json}: the numbers the console page polls every second, behind the console's login
 * ({@link AdminLoginFilter}: anonymous requests get the login page, never data). The body is {@code /api/stats}'s, plus {@code history} (the last minutes of
 * chart points) when asked with {@code ?history=true}, which the page does once, when it opens.
 *
 * <p>Threading: a servlet (one instance, concurrent requests); stateless, reads the {@link StatsService} only.
 */
@WebServlet("/admin/stats.json")
public class StatsJsonServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Inject
    transient StatsService stats;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        JsonObjectBuilder body = JsonP.PROVIDER.createObjectBuilder(StatsJson.view(stats.view()));
        if ("true".equals(request.getParameter("history"))) {
            body.add("history", StatsJson.history(stats.history()));
        }
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write(body.build().toString());
    }
}
