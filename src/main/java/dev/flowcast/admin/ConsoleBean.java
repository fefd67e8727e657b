package dev.flowcast.admin;

import dev.flowcast.metrics.StatsService;
import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.context.ExternalContext;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.IOException;

/**
 * The console page's backing bean: what the page shows before its first poll (this node, the user) and the
 * logout action. The live numbers come from {@code stats.json} ({@link StatsJsonServlet}), polled by the page.
 *
 * <p>Threading: request-scoped; reads the {@link StatsService} snapshot only.
 */
@Named("console")
@RequestScoped
public class ConsoleBean {

    /** How often the page polls for numbers, in milliseconds. */
    public static final int POLL_MILLIS = 1000;

    @Inject
    StatsService stats;

    public String getNode() {
        return stats.local().node();
    }

    /** The logged-in user's name: {@link AdminLoginFilter} presents the admin's requests with its principal. */
    public String getUser() {
        var principal = FacesContext.getCurrentInstance().getExternalContext().getUserPrincipal();
        return principal == null ? "" : principal.getName();
    }

    public int getPollMillis() {
        return POLL_MILLIS;
    }

    /**
     * Ends the session (the login lives in it: nothing is logged in on the container's side) and goes back to the
     * console, which now asks for the login.
     */
    public void logout() throws IOException {
        ExternalContext external = FacesContext.getCurrentInstance().getExternalContext();
        external.invalidateSession();
        external.redirect(external.getRequestContextPath() + "/admin/");
    }
}
