package dev.flowcast.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Comparison of secrets in constant time: both sides are hashed with SHA-256 first, so neither the content nor
 * the length of the configured secret leaks through timing ({@link MessageDigest#isEqual} on equal-length
 * digests). Stateless; thread-safe.
 */
final class Secrets {

    private Secrets() {
    }

    /** The SHA-256 digest of {@code secret}'s UTF-8 bytes: keep this, not the secret, to compare against. */
    static byte[] digest(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** True when {@code presented} hashes to {@code expectedDigest}; time does not depend on where they differ. */
    static boolean matches(byte[] expectedDigest, String presented) {
        return MessageDigest.isEqual(expectedDigest, digest(presented));
    }
}
