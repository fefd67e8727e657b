package dev.flowcast.admin;

import dev.flowcast.auth.AdminAuthenticator;
import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.context.ExternalContext;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.time.Duration;

/**
 * The login page's view logic. It keeps the page on the path the form login expects: it is meant to be shown by
 * {@link AdminLoginFilter}'s forward from a console URL, which the filter remembers and returns to after the login.
 * Opened directly, it sends the browser to the console instead, which forwards back here (so the login returns to a
 * console URL); an admin already logged in goes straight to the console.
 *
 * <p>It also tells a client the {@link dev.flowcast.auth.LoginThrottle} has locked out so, plainly: the page
 * answers {@code 429} with {@code Retry-After} and says how long to wait.
 *
 * <p>Threading: request-scoped; no state beyond the request.
 */
@Named("loginPage")
@RequestScoped
public class LoginPage {

    @Inject
    AdminAuthenticator admin;

    private Duration lockedOut = Duration.ZERO;

    /** The page's view action. */
    public void enter() throws IOException {
        ExternalContext external = FacesContext.getCurrentInstance().getExternalContext();
        HttpServletRequest request = (HttpServletRequest) external.getRequest();
        boolean forwarded = request.getAttribute(RequestDispatcher.FORWARD_REQUEST_URI) != null;
        boolean afterFailure = request.getParameter("failed") != null; // the filter's redirect after a wrong password
        if (request.getUserPrincipal() != null || (!forwarded && !afterFailure)) {
            external.redirect(external.getRequestContextPath() + "/admin/");
            return;
        }
        lockedOut = admin.lockedOutFor(request.getRemoteAddr());
        if (isLockedOut()) {
            external.setResponseStatus(429);
            external.setResponseHeader("Retry-After", Long.toString(lockedOut.toSeconds() + 1));
        }
    }

    /** True when this client may not try to log in for now. */
    public boolean isLockedOut() {
        return !lockedOut.isZero();
    }

    /** Whole minutes (at least 1) this client must wait, for the page's message. */
    public long getMinutesToWait() {
        return Math.max(1, (lockedOut.toSeconds() + 59) / 60);
    }
}
