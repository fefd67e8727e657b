package dev.flowcast.auth;

import java.time.Instant;
import java.util.Objects;

/**
 * The outcome of checking one client JWT; immutable and thread-safe.
 */
public sealed interface TokenCheck permits TokenCheck.Valid, TokenCheck.Refused {

    /**
     * A genuine, unexpired HS256 token.
     *
     * @param topics    the patterns of its {@code topics} claim
     * @param expiresAt its {@code exp}
     * @param subject   its {@code sub}, or {@code null}
     */
    record Valid(TopicPatterns topics, Instant expiresAt, String subject) implements TokenCheck {
        public Valid {
            Objects.requireNonNull(topics, "topics");
            Objects.requireNonNull(expiresAt, "expiresAt");
        }
    }

    /**
     * A refused token.
     *
     * @param reason a human sentence fit for the client: it never holds the secret or the token's content
     */
    record Refused(String reason) implements TokenCheck {
        public Refused {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
