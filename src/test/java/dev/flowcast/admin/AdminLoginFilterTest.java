package dev.flowcast.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowcast.auth.AdminAuthenticator;
import dev.flowcast.auth.AdminCredentials;
import dev.flowcast.auth.LoginThrottle;
import jakarta.servlet.FilterChain;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The filter carrying out {@link ConsoleGate}'s decisions on hand-made requests (the servlet interfaces answered by
 * proxies: only what the filter reads). The real container path is {@code AdminLoginIT}, {@code OperationsIT} and
 * {@code AdminConsoleIT}.
 */
class AdminLoginFilterTest {

    static final String PASSWORD = "filter-test-password";
    static final String CONTEXT = "/app";

    final AdminLoginFilter filter = new AdminLoginFilter();
    final Map<String, Object> sessionAttributes = new HashMap<>();
    final AtomicInteger sessionIdChanges = new AtomicInteger();
    boolean sessionExists;
    final Map<String, String> parameters = new HashMap<>();
    final Map<String, Object> response = new HashMap<>(); // "redirect", "forward"
    ServletRequest passedOn;

    AdminLoginFilterTest() {
        filter.admin = new AdminAuthenticator(new AdminCredentials(Optional.of(PASSWORD)), new LoginThrottle());
    }

    private HttpSession session() {
        return (HttpSession) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {HttpSession.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getAttribute" -> sessionAttributes.get((String) args[0]);
                    case "setAttribute" -> sessionAttributes.put((String) args[0], args[1]);
                    case "removeAttribute" -> sessionAttributes.remove((String) args[0]);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private HttpServletRequest request(String method, String servletPath, String query) {
        return (HttpServletRequest) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "getMethod" -> method;
                    case "getServletPath" -> servletPath;
                    case "getPathInfo" -> null;
                    case "getContextPath" -> CONTEXT;
                    case "getRequestURI" -> CONTEXT + servletPath;
                    case "getQueryString" -> query;
                    case "getRemoteAddr" -> "192.0.2.10";
                    case "getCharacterEncoding" -> "UTF-8";
                    case "getParameter" -> parameters.get((String) args[0]);
                    case "getUserPrincipal" -> null;
                    case "getSession" -> {
                        boolean create = args == null || (Boolean) args[0];
                        sessionExists |= create;
                        yield sessionExists ? session() : null;
                    }
                    case "changeSessionId" -> {
                        sessionIdChanges.incrementAndGet();
                        yield "new-id";
                    }
                    case "getRequestDispatcher" -> (RequestDispatcher) Proxy.newProxyInstance(getClass().getClassLoader(),
                            new Class<?>[] {RequestDispatcher.class}, (p, dm, dargs) -> {
                                assertThat(dm.getName()).isEqualTo("forward");
                                response.put("forward", args[0]);
                                return null;
                            });
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    private HttpServletResponse response() {
        return (HttpServletResponse) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {HttpServletResponse.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "sendRedirect" -> response.put("redirect", args[0]);
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    private void send(String method, String servletPath, String query) throws Exception {
        FilterChain chain = (request, ignored) -> passedOn = request;
        filter.doFilter(request(method, servletPath, query), response(), chain);
    }

    private void logIn(String password) throws Exception {
        parameters.put("j_username", "admin");
        parameters.put("j_password", password);
        send("POST", "/admin/login", null);
    }

    @Test
    void anAnonymousConsoleRequest_isForwardedToTheLoginPage_andItsUrlRemembered() throws Exception {
        send("GET", "/admin/stats.json", "history=true");

        assertThat(response).containsEntry("forward", "/admin/login.xhtml").doesNotContainKey("redirect");
        assertThat(passedOn).isNull();
        assertThat(sessionAttributes).containsEntry(AdminLoginFilter.RETURN_TO, "/admin/stats.json?history=true");
    }

    @Test
    void theLoginPage_passesForAnonymousUsers_unwrapped() throws Exception {
        send("GET", "/admin/login.xhtml", "failed=true");

        assertThat(response).isEmpty();
        assertThat(((HttpServletRequest) passedOn).getUserPrincipal()).isNull();
    }

    @Test
    void aRightPassword_renewsTheSessionId_marksTheSession_andReturnsToTheRememberedUrl() throws Exception {
        send("GET", "/admin/index.xhtml", null);

        logIn(PASSWORD);

        assertThat(sessionIdChanges).hasValue(1);
        assertThat(sessionAttributes).containsEntry(AdminLoginFilter.USER, "admin")
                .doesNotContainKey(AdminLoginFilter.RETURN_TO);
        assertThat(response).containsEntry("redirect", CONTEXT + "/admin/index.xhtml");
    }

    @Test
    void aRightPasswordWithNothingRemembered_endsOnTheConsole() throws Exception {
        logIn(PASSWORD);

        assertThat(response).containsEntry("redirect", CONTEXT + "/admin/");
        assertThat(sessionAttributes).containsEntry(AdminLoginFilter.USER, "admin");
    }

    @Test
    void aWrongPassword_redirectsToTheFailedLoginPage_andLeavesTheSessionAnonymous() throws Exception {
        send("GET", "/admin/", null);

        logIn("wrong");

        assertThat(response).containsEntry("redirect", CONTEXT + "/admin/login.xhtml?failed=true");
        assertThat(sessionIdChanges).hasValue(0);
        assertThat(sessionAttributes).doesNotContainKey(AdminLoginFilter.USER);
    }

    @Test
    void aPostToJSecurityCheck_isALoginToo_whereTheServerLetsItThrough() throws Exception {
        parameters.put("j_username", "admin");
        parameters.put("j_password", PASSWORD);

        send("POST", "/admin/j_security_check", null);

        assertThat(response).containsEntry("redirect", CONTEXT + "/admin/");
        assertThat(sessionAttributes).containsEntry(AdminLoginFilter.USER, "admin");
    }

    @Test
    void aGetToTheLoginAction_isNoLogin() throws Exception {
        parameters.put("j_username", "admin");
        parameters.put("j_password", PASSWORD);

        send("GET", "/admin/login", "j_username=admin&j_password=" + PASSWORD);

        assertThat(response).containsEntry("forward", "/admin/login.xhtml").doesNotContainKey("redirect");
        assertThat(sessionAttributes).doesNotContainKey(AdminLoginFilter.USER).doesNotContainKey(AdminLoginFilter.RETURN_TO);
    }

    @Test
    void aGetToJSecurityCheck_isNoLogin_evenWithTheRightCredentialsInTheQuery() throws Exception {
        parameters.put("j_username", "admin");
        parameters.put("j_password", PASSWORD);

        send("GET", "/admin/j_security_check", "j_username=admin&j_password=" + PASSWORD);

        assertThat(response).containsEntry("forward", "/admin/login.xhtml").doesNotContainKey("redirect");
        assertThat(sessionAttributes).doesNotContainKey(AdminLoginFilter.USER)
                .as("nor is it a URL to return to").doesNotContainKey(AdminLoginFilter.RETURN_TO);
        assertThat(sessionIdChanges).hasValue(0);
    }

    @Test
    void aLoggedInSession_passes_asTheAdmin() throws Exception {
        logIn(PASSWORD);
        response.clear();

        send("GET", "/admin/stats.json", null);

        assertThat(response).isEmpty();
        HttpServletRequest admin = (HttpServletRequest) passedOn;
        assertThat(admin.getUserPrincipal().getName()).isEqualTo("admin");
        assertThat(admin.getRemoteUser()).isEqualTo("admin");
        assertThat(admin.isUserInRole("flowcast-admin")).isTrue();
        assertThat(admin.isUserInRole("other")).isFalse();
    }

    @Test
    void aPathTheFilterCannotPlace_isStillTheConsoles() throws Exception {
        send("GET", "", null);

        assertThat(response).containsEntry("forward", "/admin/login.xhtml");
        assertThat(passedOn).isNull();
    }
}
