package dev.flowcast.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks the admin console's one user: {@code admin} with the password of {@code flowcast.admin.password}.
 * Immutable and safe to share between threads.
 *
 * <p>No default password: with none configured every check fails. Both the user name and the password are
 * compared as SHA-256 digests with {@link MessageDigest#isEqual}, and both comparisons always run, so neither
 * which part was wrong nor the password's length leaks through timing.
 */
public final class AdminCredentials {

    /** The console's only user name. */
    public static final String USER = "admin";
    /** The role (and group) an authenticated admin gets. */
    public static final String ROLE = "flowcast-admin";

    private static final byte[] USER_DIGEST = Secrets.digest(USER);
    private final byte[] passwordDigest; // null when no password is configured

    /** @param configuredPassword {@code flowcast.admin.password}; empty (or blank) = every login refused */
    public AdminCredentials(Optional<String> configuredPassword) {
        Objects.requireNonNull(configuredPassword, "configuredPassword");
        this.passwordDigest = configuredPassword.filter(p -> !p.isBlank()).map(Secrets::digest).orElse(null);
    }

    /** True when a password is configured, so some login can succeed. */
    public boolean isConfigured() {
        return passwordDigest != null;
    }

    /** True only for user {@code admin} with the configured password. Null-safe; never throws. */
    public boolean matches(String user, String password) {
        if (user == null || password == null) {
            return false;
        }
        boolean userOk = Secrets.matches(USER_DIGEST, user);
        // compared even when no password is set or the user is wrong: the same work on every path
        boolean passwordOk = Secrets.matches(passwordDigest != null ? passwordDigest : USER_DIGEST, password);
        return passwordDigest != null && userOk & passwordOk;
    }

    /**
     * True when {@code authorizationHeader} is HTTP Basic with the admin's credentials (RFC 7617; the scheme is
     * matched case-insensitively). Null-safe; never throws.
     */
    public boolean acceptsBasic(String authorizationHeader) {
        if (authorizationHeader == null) {
            return false;
        }
        String header = authorizationHeader.strip();
        if (header.length() < 6 || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = decoded.indexOf(':');
        return colon >= 0 && matches(decoded.substring(0, colon), decoded.substring(colon + 1));
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return isConfigured() ? "AdminCredentials[configured]" : "AdminCredentials[unset]";
    }
}
