package dev.flowcast.auth;

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

    /** The subscription may go ahead. */
    record Allowed(Basis basis) implements Decision {
        public Allowed {
            Objects.requireNonNull(basis, "basis");
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
