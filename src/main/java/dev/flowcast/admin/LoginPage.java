package dev.flowcast.admin;

import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.context.ExternalContext;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Named;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;

/**
 * Keeps the login page on the path the form login expects: it is meant to be shown by the mechanism's forward
 * from a console URL, which the mechanism remembers and returns to after the login. Opened directly, there is
 * nothing to return to (the login would end on a 404), so the page sends the browser to the console instead,
 * which forwards back here; an admin already logged in goes straight to the console.
 *
 * <p>Threading: request-scoped; no state.
 */
@Named("loginPage")
@RequestScoped
public class LoginPage {

    /** The page's view action. */
    public void enter() throws IOException {
        ExternalContext external = FacesContext.getCurrentInstance().getExternalContext();
        HttpServletRequest request = (HttpServletRequest) external.getRequest();
        boolean forwarded = request.getAttribute(RequestDispatcher.FORWARD_REQUEST_URI) != null;
        boolean afterFailure = request.getParameter("failed") != null; // the mechanism's error redirect
        if (request.getUserPrincipal() != null || (!forwarded && !afterFailure)) {
            external.redirect(external.getRequestContextPath() + "/admin/");
        }
    }
}
