package dev.flowcast.auth;

import java.security.MessageDigest;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks the publish API's {@code Authorization: Bearer <flowcast.publish.key>} header (contract §2); immutable and
 * safe to share between threads.
 *
 * <p>Only the {@code Bearer} scheme is accepted (matched case-insensitively, RFC 7235 §2.1), followed by one or
 * more spaces and the key, compared exactly. The comparison is constant-time: it compares SHA-256 digests of both
 * keys with {@link MessageDigest#isEqual}, so neither the content nor the length of the key leaks through timing.
 * With no key configured nothing is accepted.
 */
public final class PublishKey {

    private static final String SCHEME = "bearer";

    private final byte[] keyDigest; // null when no key is configured

    /**
     * @param configuredKey the key; empty = the publish API refuses everyone
     * @throws IllegalArgumentException when the key is blank or holds whitespace or control characters, which no
     *                                  client could send in a Bearer header
     */
    public PublishKey(Optional<String> configuredKey) {
        Objects.requireNonNull(configuredKey, "configuredKey");
        this.keyDigest = configuredKey.map(PublishKey::checkedDigest).orElse(null);
    }

    private static byte[] checkedDigest(String key) {
        if (key.isEmpty() || key.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            throw new IllegalArgumentException(
                    "flowcast.publish.key must be non-empty, without whitespace or control characters");
        }
        return Secrets.digest(key);
    }

    /** True when a key is configured, so some request can be accepted. */
    public boolean isConfigured() {
        return keyDigest != null;
    }

    /**
     * True when the header carries the configured key. Never throws; any thread.
     *
     * @param authorizationHeader the {@code Authorization} header's value, or {@code null} when absent
     */
    public boolean accepts(String authorizationHeader) {
        if (keyDigest == null || authorizationHeader == null) {
            return false;
        }
        String header = authorizationHeader.strip();
        int space = header.indexOf(' ');
        if (space != SCHEME.length() || !header.substring(0, space).toLowerCase(Locale.ROOT).equals(SCHEME)) {
            return false;
        }
        String presented = header.substring(space).stripLeading();
        return Secrets.matches(keyDigest, presented);
    }

    /** Never shows the key. */
    @Override
    public String toString() {
        return isConfigured() ? "PublishKey[configured]" : "PublishKey[unset]";
    }
}
