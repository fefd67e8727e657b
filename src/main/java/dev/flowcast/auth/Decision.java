package dev.flowcast.auth;

import java.time.Instant;
import java.util.Objects;

/**
 * Whether one subscription is allowed, and on what grounds; immutable and thread-safe.
 */
public sealed interface Decision permits Decision.Allowed, Decision.Denied {

    /** What allowed a subscription. */
    enum Basis {
        /** The topic matches {@code flowcast.auth.public-topics}. */
        PUBLIC_TOPIC,
        /** The connection's {@code ?token=} grants it. */
        CONNECT_TOKEN,
        /** The subscribe frame's own {@code token} grants it. */
        FRAME_TOKEN
    }

    /** True for {@link Allowed}. */
    default boolean isAllowed() {
        return this instanceof Allowed;
    }

    /**
     * The subscription may go ahead.
     *
     * @param basis     what allowed it
     * @param expiresAt when the subscription must end: the {@code exp} of the subscribe frame's token for
     *                  {@link Basis#FRAME_TOKEN}; null otherwise (a public topic never expires, and a connect token's
     *                  expiry ends the whole connection)
     */
    record Allowed(Basis basis, Instant expiresAt) implements Decision {
        public Allowed {
            Objects.requireNonNull(basis, "basis");
            if ((basis == Basis.FRAME_TOKEN) != (expiresAt != null)) {
                throw new IllegalArgumentException("an expiry belongs to a frame token, and only to it");
            }
        }

        public Allowed(Basis basis) {
            this(basis, null);
        }
    }

    /**
     * The subscription is refused: answer with an {@code unauthorized} error frame.
     *
     * @param reason a human sentence fit for the client
     */
    record Denied(String reason) implements Decision {
        public Denied {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
