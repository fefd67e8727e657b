package dev.flowcast.admin;

import dev.flowcast.auth.AdminAuthenticator;
import dev.flowcast.auth.AdminCredentials;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Principal;

/**
 * The admin console's login: keeps everything under {@code /admin/} (the pages, their script and styles,
 * {@code stats.json}) for the logged-in admin, and handles the form's post to {@code /admin/login}.
 * Which request gets what is {@link ConsoleGate}'s decision; this class only carries it out.
 *
 * <ul>
 *   <li>anonymous request: server-side forward to {@link ConsoleGate#LOGIN_PAGE} (the URL stays; {@link LoginPage}
 *       relies on the forward), the URL asked for remembered in the session when {@link ConsoleGate#returnPath}
 *       takes it;</li>
 *   <li>{@code POST /admin/login} (or {@code /admin/j_security_check} where the server lets it through, see
 *       {@link ConsoleGate#SERVLET_LOGIN_ACTION}): {@link AdminAuthenticator} checks {@code j_username}/{@code j_password}
 *       for the remote address; success gives the session a new id (session fixation), marks it as the admin's and
 *       redirects to the remembered URL (or {@code /admin/}); failure redirects to {@link ConsoleGate#LOGIN_FAILED};</li>
 *   <li>a logged-in session's request goes on wrapped, so {@code getUserPrincipal()}, {@code getRemoteUser()} and
 *       {@code isUserInRole("flowcast-admin")} answer as a container login would ({@link ConsoleBean} shows the
 *       user, {@link LoginPage} sends a logged-in admin on to the console).</li>
 * </ul>
 *
 * <p>Why an application filter and not Jakarta Security: with an authentication mechanism or a security constraint
 * in the WAR, Payara and WildFly run JASPIC (and JACC checks) on every request of the WAR, the publish API and
 * WebSocket upgrades included: about a third of a publish request's CPU. A filter mapped to {@code /admin/*} costs
 * nothing anywhere else. The mapping uses the same URL-pattern rules the constraints did; only {@code REQUEST}
 * dispatches pass through it, so its own forward to the login page does not.
 *
 * <p>Threading: one instance, concurrent requests; stateless (the state is in each client's session).
 */
@WebFilter(urlPatterns = "/admin/*", asyncSupported = true)
public class AdminLoginFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    /** Session attribute: present (the user name) once the session's admin has logged in. */
    static final String USER = AdminLoginFilter.class.getName() + ".user";
    /** Session attribute: the URL within the application to return to after the login. */
    static final String RETURN_TO = AdminLoginFilter.class.getName() + ".returnTo";

    @Inject
    transient AdminAuthenticator admin;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        boolean loggedIn = isAdmin(request.getSession(false));
        String path = pathWithinApplication(request);
        if (!path.startsWith("/admin")) {
            path = ConsoleGate.CONSOLE; // mapped to /admin/* only: a path that does not say so is still the console's
        }
        switch (ConsoleGate.decide(request.getMethod(), path, loggedIn)) {
            case LOG_IN -> logIn(request, response);
            case ASK_FOR_LOGIN -> askForLogin(request, response);
            case PASS -> chain.doFilter(loggedIn ? new AdminRequest(request) : request, response);
        }
    }

    /** True when {@code session} (may be null) belongs to the logged-in admin. */
    static boolean isAdmin(HttpSession session) {
        try {
            return session != null && session.getAttribute(USER) != null;
        } catch (IllegalStateException invalidated) { // invalidated by a concurrent logout
            return false;
        }
    }

    private void logIn(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (request.getCharacterEncoding() == null) {
            request.setCharacterEncoding(StandardCharsets.UTF_8.name()); // the login page is UTF-8
        }
        String context = request.getContextPath();
        if (!admin.logIn(request.getParameter("j_username"), request.getParameter("j_password"),
                request.getRemoteAddr())) {
            response.sendRedirect(context + ConsoleGate.LOGIN_FAILED);
            return;
        }
        HttpSession session = request.getSession(true);
        Object remembered = session.getAttribute(RETURN_TO);
        request.changeSessionId(); // an id planted in the browser before the login is worth nothing after it
        session = request.getSession(true); // the same session under its new id
        session.removeAttribute(RETURN_TO);
        session.setAttribute(USER, AdminCredentials.USER);
        response.sendRedirect(context + ConsoleGate.afterLogin(remembered instanceof String s ? s : null));
    }

    private void askForLogin(HttpServletRequest request, HttpServletResponse response)
            throws IOException, ServletException {
        String path = request.getRequestURI().substring(request.getContextPath().length()); // raw, as the browser sent it
        HttpSession session = request.getSession(true); // also gives the login form its session cookie
        ConsoleGate.returnPath(path, request.getQueryString()).ifPresentOrElse(
                url -> session.setAttribute(RETURN_TO, url), () -> session.removeAttribute(RETURN_TO));
        request.getRequestDispatcher(ConsoleGate.LOGIN_PAGE).forward(request, response);
    }

    /**
     * The decoded path within the application, as URL patterns match it ({@code /admin/stats.json}); for the
     * access decision, not for the redirect.
     */
    private static String pathWithinApplication(HttpServletRequest request) {
        String pathInfo = request.getPathInfo();
        return pathInfo == null ? request.getServletPath() : request.getServletPath() + pathInfo;
    }

    /** The request of the logged-in admin, as a container login would present it. */
    static final class AdminRequest extends HttpServletRequestWrapper {

        private static final Principal ADMIN = new AdminPrincipal(AdminCredentials.USER);

        AdminRequest(HttpServletRequest request) {
            super(request);
        }

        @Override
        public Principal getUserPrincipal() {
            return ADMIN;
        }

        @Override
        public String getRemoteUser() {
            return ADMIN.getName();
        }

        @Override
        public boolean isUserInRole(String role) {
            return AdminCredentials.ROLE.equals(role);
        }

        @Override
        public String getAuthType() {
            return HttpServletRequest.FORM_AUTH;
        }
    }

    /** The admin's principal. */
    record AdminPrincipal(String getName) implements Principal {
    }
}
