package dev.flowcast.auth;

import dev.flowcast.config.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.credential.Credential;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.IdentityStore;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The admin console's identity store for Jakarta Security: it knows one user, {@code admin}, with the password of
 * {@code flowcast.admin.password}, checked in constant time by {@link AdminCredentials}; with no password set it
 * refuses every login. A valid admin gets group {@value AdminCredentials#ROLE}, mapped to the role of the same
 * name in {@code glassfish-web.xml}.
 *
 * <p>Every password check, the form login's and HTTP Basic's on {@code /api/stats}, goes through one
 * {@link LoginThrottle} keyed by the request's remote address: a client locked out is refused without its
 * password even being compared. A successful form login gets a new session id.
 *
 * <p>The one Jakarta class in this package: the rules themselves stay in plain Java ({@link AdminCredentials},
 * {@link LoginThrottle}). Threading: application-scoped; called on request threads; the credentials are immutable
 * after {@code @PostConstruct} and the throttle is thread-safe.
 */
@ApplicationScoped
public class AdminIdentityStore implements IdentityStore {

    @Inject
    Settings settings;

    /** The request being authenticated (CDI's built-in, request-scoped bean): whose remote address is counted. */
    @Inject
    HttpServletRequest request;

    private static final Logger LOG = Logger.getLogger(AdminIdentityStore.class.getName());

    private final LoginThrottle throttle = new LoginThrottle();
    private volatile boolean warned; // one warning is enough: it would repeat at every login
    private AdminCredentials credentials;

    @PostConstruct
    void init() {
        credentials = new AdminCredentials(settings.adminPassword());
    }

    @Override
    public CredentialValidationResult validate(Credential credential) {
        if (!(credential instanceof UsernamePasswordCredential login)) {
            return CredentialValidationResult.INVALID_RESULT;
        }
        if (!checked(credentials.matches(login.getCaller(), login.getPasswordAsString()))) {
            return CredentialValidationResult.INVALID_RESULT;
        }
        renewSessionId();
        return new CredentialValidationResult(AdminCredentials.USER, Set.of(AdminCredentials.ROLE));
    }

    /** The same check for HTTP Basic on {@code /api/stats}; a header of another scheme is no attempt and not counted. */
    public boolean acceptsBasic(String authorizationHeader) {
        if (authorizationHeader == null || !authorizationHeader.strip().regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        return checked(credentials.acceptsBasic(authorizationHeader));
    }

    /** How long this request's client must still wait before its next login attempt is even looked at. */
    public Duration lockedOutFor(HttpServletRequest from) {
        return throttle.lockedOutFor(from.getRemoteAddr());
    }

    /**
     * Applies the throttle to one attempt whose credentials {@code matched} (computed before, so a locked-out
     * client costs the same work and learns nothing from timing).
     */
    private boolean checked(boolean matched) {
        String client = remoteAddress();
        if (!throttle.lockedOutFor(client).isZero()) {
            return false;
        }
        if (matched) {
            throttle.succeeded(client);
        } else {
            throttle.failed(client);
        }
        return matched;
    }

    /**
     * Payara keeps the session of the login page across the login: give the logged-in session a new id, so an id
     * planted in the browser before the login (session fixation) is worth nothing after it.
     */
    private void renewSessionId() {
        try {
            if (request.getSession(false) != null) {
                request.changeSessionId();
            }
        } catch (RuntimeException notAvailable) {
            warnOnce("the session id could not be renewed at login (" + notAvailable + ")");
        }
    }

    /**
     * The remote address of the request being authenticated. Payara has it (tested); a server that does not make
     * the servlet request available to identity stores gets one count for every client together, so guessing
     * stays throttled there (at the price of one guesser locking everybody out), and says so once in its log.
     */
    private String remoteAddress() {
        try {
            return request.getRemoteAddr();
        } catch (RuntimeException notAvailable) {
            warnOnce("the login's remote address is not available here (" + notAvailable
                    + "): login attempts are throttled for all clients together");
            return "unknown";
        }
    }

    private void warnOnce(String message) {
        if (!warned) {
            warned = true;
            LOG.warning(message);
        }
    }
}
