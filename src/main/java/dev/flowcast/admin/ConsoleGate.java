package dev.flowcast.admin;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Decides what the console's login filter ({@link AdminLoginFilter}) does with a request, and which URL a login may
 * return to. Plain Java (no servlet types), so every rule is unit-tested without a container; stateless and safe
 * to share between threads.
 *
 * <p>Paths are the request's path within the application (context path left out), as the filter sees them.
 */
public final class ConsoleGate {

    /** Where the console lives: everything under it needs the admin, except {@link #LOGIN_PAGE}. */
    public static final String CONSOLE = "/admin/";
    /**
     * The login form; shown by a server-side forward from the URL asked for (the URL stays in the address bar),
     * and open to anyone (after a wrong password the filter redirects to it with {@code ?failed=true}).
     */
    public static final String LOGIN_PAGE = "/admin/login.xhtml";
    /** Where the login form posts {@code j_username} and {@code j_password}. */
    public static final String LOGIN_ACTION = "/admin/login";
    /**
     * The servlet form login's action, where the form posted while the console used the container's login; still a
     * login where it reaches the application (WildFly). Payara answers any path ending in {@code j_security_check}
     * in its authenticator valve, before any filter: without a container login, {@code 401} from its default BASIC
     * authenticator. So the form posts to {@link #LOGIN_ACTION}.
     */
    public static final String SERVLET_LOGIN_ACTION = "/admin/j_security_check";
    /** Where a failed login is sent. */
    public static final String LOGIN_FAILED = LOGIN_PAGE + "?failed=true";

    /** A return URL longer than this is not remembered (the console's URLs are short; the session stays small). */
    static final int MAX_RETURN_LENGTH = 1024;

    // RFC 3986 path characters (pchar and '/') and, after '?', query characters: no CR, LF, space, '\', '#', '"'
    private static final Pattern PATH = Pattern.compile("[A-Za-z0-9\\-._~!$&'()*+,;=:@/%]*");
    private static final Pattern QUERY = Pattern.compile("[A-Za-z0-9\\-._~!$&'()*+,;=:@/%?]*");
    // an escape for a control character, '/', '\' or '.': decoded by some servers or browsers into something else
    private static final Pattern TRICKY_ESCAPE = Pattern.compile("%(?:[01][0-9A-Fa-f]|7[Ff]|2[EeFf]|5[Cc])");
    private static final Pattern BAD_ESCAPE = Pattern.compile("%(?![0-9A-Fa-f]{2})");

    /** What the filter does with a request. */
    public enum Action {
        /** Let it through (for a logged-in session, as the admin). */
        PASS,
        /** A login attempt: check the posted credentials, then redirect. */
        LOG_IN,
        /** Forward to the login page, remembering the URL asked for when it is one to come back to. */
        ASK_FOR_LOGIN
    }

    private ConsoleGate() {
    }

    /**
     * The action for one request.
     *
     * @param method   the HTTP method
     * @param path     the path within the application, e.g. {@code /admin/stats.json}
     * @param loggedIn whether the request's session belongs to the logged-in admin
     */
    public static Action decide(String method, String path, boolean loggedIn) {
        if (path == null || !(path.equals("/admin") || path.startsWith(CONSOLE))) {
            return Action.PASS; // not the console's: the gate has no say (the filter is mapped to /admin/* only)
        }
        if (isLoginAction(path) && "POST".equals(method)) {
            return Action.LOG_IN; // only a POST is a login; any other method is an ordinary console URL
        }
        if (loggedIn || path.equals(LOGIN_PAGE)) {
            return Action.PASS;
        }
        return Action.ASK_FOR_LOGIN;
    }

    /**
     * The URL, within the application, to go back to after a login that was asked for by a request of
     * {@code path} and {@code query}; empty when it is not a console URL worth returning to (the login itself, a
     * URL that could leave the application or be read differently by a browser), so the login ends on
     * {@link #CONSOLE}.
     *
     * @param path  the raw (undecoded) request path within the application
     * @param query the raw query string, or null
     */
    public static Optional<String> returnPath(String path, String query) {
        if (path == null || !path.startsWith(CONSOLE) || !PATH.matcher(path).matches()
                || (query != null && !QUERY.matcher(query).matches())) {
            return Optional.empty(); // also refuses "//host", "http://…", "\", CR, LF, spaces
        }
        String url = query == null || query.isEmpty() ? path : path + "?" + query;
        if (url.length() > MAX_RETURN_LENGTH || TRICKY_ESCAPE.matcher(path).find() || BAD_ESCAPE.matcher(url).find()
                || hasDotSegment(path) || path.startsWith(LOGIN_PAGE) || isLoginAction(path)) {
            return Optional.empty();
        }
        return Optional.of(url);
    }

    /** Where a successful login goes: the remembered URL when it is still a valid one, else the console. */
    public static String afterLogin(String remembered) {
        if (remembered == null) {
            return CONSOLE;
        }
        int question = remembered.indexOf('?');
        String path = question < 0 ? remembered : remembered.substring(0, question);
        String query = question < 0 ? null : remembered.substring(question + 1);
        return returnPath(path, query).orElse(CONSOLE);
    }

    private static boolean isLoginAction(String path) {
        return path.equals(LOGIN_ACTION) || path.equals(SERVLET_LOGIN_ACTION);
    }

    private static boolean hasDotSegment(String path) {
        for (String segment : path.split("/", -1)) {
            String name = segment.contains(";") ? segment.substring(0, segment.indexOf(';')) : segment;
            if (name.equals(".") || name.equals("..")) {
                return true;
            }
        }
        return false;
    }
}
