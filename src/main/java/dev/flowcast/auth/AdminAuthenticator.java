package dev.flowcast.auth;

import dev.flowcast.config.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;

/**
 * Checks the admin's password, throttled per client: the console's form login ({@code admin.AdminLoginFilter}) and
 * HTTP Basic on {@code /api/stats} ({@code metrics.StatsResource}) both ask here. It knows one user, {@code admin},
 * with the password of {@code flowcast.admin.password}, checked in constant time by {@link AdminCredentials}; with
 * no password set it refuses every login.
 *
 * <p>Every password check goes through one {@link LoginThrottle} keyed by the caller's remote address: a client
 * locked out is refused without its password even being compared. The rules themselves stay in plain Java
 * ({@link AdminCredentials}, {@link LoginThrottle}); this bean only holds them for the application and takes no
 * servlet types, so the callers say which address is asking.
 *
 * <p>Threading: application-scoped; called on request threads; the credentials are immutable after
 * {@code @PostConstruct} and the throttle is thread-safe.
 */
@ApplicationScoped
public class AdminAuthenticator {

    @Inject
    Settings settings;

    private final LoginThrottle throttle;
    private AdminCredentials credentials;

    /** For CDI. */
    public AdminAuthenticator() {
        this.throttle = new LoginThrottle();
    }

    /** With given rules, outside a container (tests). */
    public AdminAuthenticator(AdminCredentials credentials, LoginThrottle throttle) {
        this.credentials = credentials;
        this.throttle = throttle;
    }

    @PostConstruct
    void init() {
        credentials = new AdminCredentials(settings.adminPassword());
    }

    /** True when {@code user} and {@code password} are the admin's and {@code remoteAddress} is not locked out. */
    public boolean logIn(String user, String password, String remoteAddress) {
        return checked(credentials.matches(user, password), remoteAddress);
    }

    /**
     * The same check for HTTP Basic on {@code /api/stats}; a header of another scheme (or none) is no attempt and
     * not counted.
     */
    public boolean acceptsBasic(String authorizationHeader, String remoteAddress) {
        if (authorizationHeader == null || !authorizationHeader.strip().regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        return checked(credentials.acceptsBasic(authorizationHeader), remoteAddress);
    }

    /** How long {@code remoteAddress} must still wait before its next login attempt is even looked at. */
    public Duration lockedOutFor(String remoteAddress) {
        return throttle.lockedOutFor(remoteAddress);
    }

    /**
     * Applies the throttle to one attempt whose credentials {@code matched} (computed before, so a locked-out
     * client costs the same work and learns nothing from timing).
     */
    private boolean checked(boolean matched, String client) {
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
}
