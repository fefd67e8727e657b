package dev.flowcast.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowcast.auth.LoginThrottle;
import dev.flowcast.it.LoopbackHttp.Response;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admin console's login under attack, over real HTTP and HTTPS against a real node (the bundle, with an
 * HTTPS listener beside the HTTP one): a client that keeps guessing is locked out with a clear answer while
 * others log in as usual, and the session cookie carries {@code HttpOnly}, {@code SameSite=Strict} and, over
 * HTTPS only, {@code Secure}.
 *
 * <p>Each test speaks from its own loopback addresses (127.0.0.x): the server counts failures per remote address,
 * so the tests do not lock each other out.
 */
class AdminLoginIT {

    static final String PASSWORD = "admin-login-it-password";
    static final String LOCKED_OUT = "Too many failed logins from your address";
    static final String LOGIN_FORM = "name=\"j_password\"";

    static NodeProcess node;
    static int httpsPort;

    @BeforeAll
    static void startNode() throws IOException {
        httpsPort = NodeProcess.freePort();
        node = NodeProcess.start("admin-login", Map.of(
                "FLOWCAST_ADMIN_PASSWORD", PASSWORD,
                "FLOWCAST_CLUSTER_NAME", "admin-login-it-" + UUID.randomUUID(),
                "FLOWCAST_CLUSTER_PORT", "6310"), "--sslport", Integer.toString(httpsPort));
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    /** A browser as the server sees it: one remote address, one session cookie, no redirects followed by itself. */
    static final class Browser {
        final String address;
        final String scheme;
        String session; // "JSESSIONID=…", or null before the first answer that set one

        Browser(String address, String scheme) {
            this.address = address;
            this.scheme = scheme;
        }

        Browser(String address) {
            this(address, "http");
        }

        URI url(String path) {
            int port = "https".equals(scheme) ? httpsPort : node.base().getPort();
            return URI.create(scheme + "://127.0.0.1:" + port + "/" + path);
        }

        Response get(String path) throws IOException {
            return keepCookie(LoopbackHttp.send(address, url(path), cookie(), null));
        }

        /** Opens the console (which shows the login form), then posts the form. */
        Response logIn(String password) throws IOException {
            if (session == null) {
                get("admin/");
            }
            String form = "j_username=admin&j_password=" + URLEncoder.encode(password, StandardCharsets.UTF_8);
            return keepCookie(LoopbackHttp.send(address, url("admin/login"), cookie(), form));
        }

        Response post(String path, String form) throws IOException {
            return keepCookie(LoopbackHttp.send(address, url(path), cookie(), form));
        }

        Response statsWithBasic(String password) throws IOException {
            String basic = Base64.getEncoder().encodeToString(("admin:" + password).getBytes(StandardCharsets.UTF_8));
            return LoopbackHttp.send(address, url("api/stats"), Map.of("Authorization", "Basic " + basic), null);
        }

        private Map<String, String> cookie() {
            Map<String, String> headers = new HashMap<>();
            if (session != null) {
                headers.put("Cookie", session);
            }
            return headers;
        }

        private Response keepCookie(Response response) {
            response.setCookie("JSESSIONID").ifPresent(c -> session = c.substring(0, c.indexOf(';')));
            return response;
        }
    }

    private static void lockOut(Browser attacker) throws IOException {
        for (int attempt = 1; attempt <= LoginThrottle.MAX_FAILURES; attempt++) {
            Response refused = attacker.logIn("guess-" + attempt);
            assertThat(refused.status()).isEqualTo(302);
            assertThat(refused.header("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/admin/login.xhtml?failed=true"));
        }
    }

    @Test
    void whenOneAddressKeepsGuessing_itIsLockedOutWithAClearMessage_andEvenTheRightPasswordIsRefused() throws IOException {
        Browser attacker = new Browser("127.0.0.3");
        for (int attempt = 1; attempt < LoginThrottle.MAX_FAILURES; attempt++) {
            attacker.logIn("guess-" + attempt);
        }
        Response lastButOne = attacker.get("admin/login.xhtml?failed=true");
        assertThat(lastButOne.status()).isEqualTo(200);
        assertThat(lastButOne.body()).contains("Wrong user name or password").doesNotContain(LOCKED_OUT);

        attacker.logIn("one-guess-too-many");
        Response locked = attacker.get("admin/login.xhtml?failed=true");
        assertThat(locked.status()).isEqualTo(429);
        assertThat(locked.header("Retry-After")).hasValueSatisfying(s -> assertThat(Integer.parseInt(s)).isBetween(1, 301));
        assertThat(locked.body()).contains(LOCKED_OUT, "Try again in 5 minutes");

        Response rightPassword = attacker.logIn(PASSWORD);
        assertThat(rightPassword.header("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("failed=true"));
        Response console = attacker.get("admin/");
        assertThat(console.status()).isEqualTo(429);
        assertThat(console.body()).contains(LOCKED_OUT).doesNotContain("accepted-rate");
        assertThat(attacker.statsWithBasic(PASSWORD).status()).as("HTTP Basic is throttled too").isEqualTo(401);
    }

    @Test
    void whileOneAddressIsLockedOut_anotherLogsInAsUsual() throws IOException {
        lockOut(new Browser("127.0.0.4"));

        Browser admin = new Browser("127.0.0.5");
        Response loggedIn = admin.logIn(PASSWORD);
        assertThat(loggedIn.status()).isEqualTo(302);
        assertThat(loggedIn.header("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/admin/"));
        Response console = admin.get("admin/");
        assertThat(console.status()).isEqualTo(200);
        assertThat(console.body()).contains("id=\"accepted-rate\"");
        Response stats = admin.get("admin/stats.json");
        assertThat(stats.status()).isEqualTo(200);
        assertThat(stats.header("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(admin.statsWithBasic(PASSWORD).status()).isEqualTo(200);
    }

    @Test
    void overPlainHttp_theSessionCookieIsHttpOnlyAndSameSiteStrict_butNotSecure() throws IOException {
        Response page = new Browser("127.0.0.6").get("admin/");

        assertThat(page.setCookie("JSESSIONID")).hasValueSatisfying(cookie -> {
            String attributes = cookie.toLowerCase();
            assertThat(attributes).contains("; httponly", "; samesite=strict").doesNotContain("secure");
        });
    }

    @Test
    void overHttps_theSessionCookieIsAlsoSecure() throws IOException {
        Response page = new Browser("127.0.0.6", "https").get("admin/");

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.setCookie("JSESSIONID")).hasValueSatisfying(cookie ->
                assertThat(cookie.toLowerCase()).contains("; secure", "; httponly", "; samesite=strict"));
    }

    @Test
    void aSuccessfulLogin_getsANewSessionId_soAnIdPlantedBeforehandIsWorthNothing() throws IOException {
        Browser admin = new Browser("127.0.0.7");
        admin.get("admin/");
        String beforeLogin = admin.session;

        admin.logIn(PASSWORD);

        assertThat(admin.session).isNotNull().isNotEqualTo(beforeLogin);
        assertThat(admin.get("admin/").body()).contains("id=\"accepted-rate\"");
        Browser planted = new Browser("127.0.0.7");
        planted.session = beforeLogin;
        assertThat(planted.get("admin/stats.json").header("Content-Type"))
                .as("the old id is no logged-in session").hasValueSatisfying(t -> assertThat(t).doesNotStartWith("application/json"));
    }

    @Test
    void aGetToTheLoginAction_orToJSecurityCheck_isNoLogin_evenWithTheRightCredentials() throws IOException {
        Browser client = new Browser("127.0.0.8");
        client.get("admin/");
        String query = "?j_username=admin&j_password=" + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8);

        Response viaGet = client.get("admin/login" + query);
        assertThat(viaGet.status()).isEqualTo(200);
        assertThat(viaGet.header("Location")).isEmpty();
        assertThat(viaGet.body()).contains(LOGIN_FORM).doesNotContain("accepted-rate");
        // Payara answers any path ending in j_security_check itself (401 from its default BASIC authenticator)
        assertThat(client.get("admin/j_security_check" + query).header("Location")).isEmpty();
        assertThat(client.post("admin/j_security_check", query.substring(1)).header("Location"))
                .as("a POST there never reaches the application on Payara").isEmpty();

        assertThat(client.get("admin/").body()).contains(LOGIN_FORM).doesNotContain("accepted-rate");
        assertThat(client.get("admin/stats.json").header("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).doesNotStartWith("application/json"));
    }

    @Test
    void aLogin_returnsToTheConsoleUrlFirstAskedFor() throws IOException {
        Browser admin = new Browser("127.0.0.9");
        Response asked = admin.get("admin/stats.json?history=true");
        assertThat(asked.status()).isEqualTo(200);
        assertThat(asked.body()).as("the login form, under the URL asked for").contains(LOGIN_FORM);

        Response loggedIn = admin.logIn(PASSWORD);

        assertThat(loggedIn.status()).isEqualTo(302);
        assertThat(loggedIn.header("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/admin/stats.json?history=true"));
        assertThat(admin.get("admin/stats.json?history=true").body()).contains("\"history\"");
    }

    @Test
    void publicPaths_knowNothingOfTheConsolesLogin() throws IOException {
        Browser anyone = new Browser("127.0.0.10");

        Response live = anyone.get("health/live");
        assertThat(live.status()).isEqualTo(200);
        assertThat(live.setCookie("JSESSIONID")).as("no session made").isEmpty();

        Response publish = anyone.post("api/events", "[]"); // no publish key is set on this node: 401, as always
        assertThat(publish.status()).isEqualTo(401);
        assertThat(publish.body()).contains("\"error\"").doesNotContain(LOGIN_FORM);
        assertThat(publish.setCookie("JSESSIONID")).isEmpty();
        assertThat(publish.header("Location")).isEmpty();
    }
}
