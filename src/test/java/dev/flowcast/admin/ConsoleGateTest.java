package dev.flowcast.admin;

import static dev.flowcast.admin.ConsoleGate.Action.ASK_FOR_LOGIN;
import static dev.flowcast.admin.ConsoleGate.Action.LOG_IN;
import static dev.flowcast.admin.ConsoleGate.Action.PASS;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConsoleGateTest {

    @ParameterizedTest
    @ValueSource(strings = {"/admin/", "/admin/index.xhtml", "/admin/stats.json", "/admin/console.js",
            "/admin/console.css", "/admin/jakarta.faces.resource/faces.js", "/admin/anything/else", "/admin"})
    void whenAnonymous_thenEveryConsoleUrlAsksForTheLogin(String path) {
        assertThat(ConsoleGate.decide("GET", path, false)).isEqualTo(ASK_FOR_LOGIN);
        assertThat(ConsoleGate.decide("POST", path, false)).isEqualTo(ASK_FOR_LOGIN);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/admin/", "/admin/index.xhtml", "/admin/stats.json", "/admin/console.js"})
    void whenLoggedIn_thenConsoleUrlsPass(String path) {
        assertThat(ConsoleGate.decide("GET", path, true)).isEqualTo(PASS);
        assertThat(ConsoleGate.decide("POST", path, true)).isEqualTo(PASS);
    }

    @Test
    void theLoginPageIsOpenToAnyone() {
        assertThat(ConsoleGate.decide("GET", "/admin/login.xhtml", false)).isEqualTo(PASS);
        assertThat(ConsoleGate.decide("GET", "/admin/login.xhtml", true)).isEqualTo(PASS);
    }

    @Test
    void onlyAPostToTheLoginActionIsALogin() {
        assertThat(ConsoleGate.decide("POST", "/admin/login", false)).isEqualTo(LOG_IN);
        assertThat(ConsoleGate.decide("POST", "/admin/login", true)).isEqualTo(LOG_IN);
        assertThat(ConsoleGate.decide("GET", "/admin/login", false)).isEqualTo(ASK_FOR_LOGIN);
        assertThat(ConsoleGate.decide("GET", "/admin/login", true)).isEqualTo(PASS);
        assertThat(ConsoleGate.decide("POST", "/admin/login/x", false)).isEqualTo(ASK_FOR_LOGIN);
    }

    @Test
    void onlyAPostToJSecurityCheckIsALogin() {
        assertThat(ConsoleGate.decide("POST", "/admin/j_security_check", false)).isEqualTo(LOG_IN);
        assertThat(ConsoleGate.decide("POST", "/admin/j_security_check", true)).as("logging in again").isEqualTo(LOG_IN);
        assertThat(ConsoleGate.decide("GET", "/admin/j_security_check", false)).isEqualTo(ASK_FOR_LOGIN);
        assertThat(ConsoleGate.decide("HEAD", "/admin/j_security_check", false)).isEqualTo(ASK_FOR_LOGIN);
        assertThat(ConsoleGate.decide("PUT", "/admin/j_security_check", false)).isEqualTo(ASK_FOR_LOGIN);
        assertThat(ConsoleGate.decide("post", "/admin/j_security_check", false)).as("methods are case-sensitive")
                .isEqualTo(ASK_FOR_LOGIN);
        assertThat(ConsoleGate.decide("GET", "/admin/j_security_check", true)).isEqualTo(PASS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/events", "/api/stats", "/ws", "/health/live", "/", "/index.html", "/administrator",
            "/webjars/uplot/1.6.30/dist/uPlot.min.css"})
    void pathsOutsideTheConsolePass(String path) {
        assertThat(ConsoleGate.decide("POST", path, false)).isEqualTo(PASS);
        assertThat(ConsoleGate.decide("GET", path, false)).isEqualTo(PASS);
    }

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {
            "/admin/, null, /admin/",
            "/admin/index.xhtml, null, /admin/index.xhtml",
            "/admin/stats.json, history=true, /admin/stats.json?history=true",
            "/admin/a%20b/c;x=1, q=a%2Fb&r=?, /admin/a%20b/c;x=1?q=a%2Fb&r=?",
            "/admin/, '', /admin/"})
    void aConsoleUrlIsRememberedWithItsQuery(String path, String query, String remembered) {
        assertThat(ConsoleGate.returnPath(path, query)).contains(remembered);
        assertThat(ConsoleGate.afterLogin(remembered)).isEqualTo(remembered);
    }

    @ParameterizedTest
    @CsvSource(nullValues = "null", delimiter = '|', value = {
            "//evil.example/admin/ | null",
            "/\\evil.example | null",
            "http://evil.example/admin/ | null",
            "https:/admin/ | null",
            "/admin/../api/stats | null",
            "/admin/./index.xhtml | null",
            "/admin/.. | null",
            "/admin/..;x/api | null",
            "/admin/%2e%2e/api/stats | null",
            "/admin/%2E./x | null",
            "/admin/%2f%2fevil.example | null",
            "/admin/%5cevil.example | null",
            "/admin/%0d%0aSet-Cookie:x=y | null",
            "/admin/%zz | null",
            "/admin/\\..\\x | null",
            "/admin/x y | null",
            "/admin/#frag | null",
            "/admin/ | a=b#c",
            "/admin/ | a=%",
            "/admin/login.xhtml | null",
            "/admin/login.xhtml | failed=true",
            "/admin/j_security_check | null",
            "/admin/login | null",
            "/admin/login | j_username=admin",
            "/api/stats | null",
            "/ | null",
            "'' | null",
            "null | null"})
    void aUrlThatCouldLeaveTheConsole_isNotRemembered_andTheLoginEndsOnTheConsole(String path, String query) {
        assertThat(ConsoleGate.returnPath(path, query)).isEmpty();
        String remembered = path == null ? null : (query == null ? path : path + "?" + query);
        assertThat(ConsoleGate.afterLogin(remembered)).isEqualTo("/admin/");
    }

    @Test
    void crOrLfAnywhere_isNotRemembered() {
        assertThat(ConsoleGate.returnPath("/admin/\r\nLocation: http://evil.example", null)).isEmpty();
        assertThat(ConsoleGate.returnPath("/admin/", "a=1\r\nSet-Cookie: x=y")).isEmpty();
        assertThat(ConsoleGate.returnPath("/admin/\n", null)).isEmpty();
        assertThat(ConsoleGate.afterLogin("/admin/?\r\nLocation: //evil.example")).isEqualTo("/admin/");
    }

    @Test
    void aVeryLongUrl_isNotRemembered() {
        String path = "/admin/" + "a".repeat(ConsoleGate.MAX_RETURN_LENGTH);
        assertThat(ConsoleGate.returnPath(path, null)).isEmpty();
        assertThat(ConsoleGate.afterLogin(null)).isEqualTo("/admin/");
    }
}
