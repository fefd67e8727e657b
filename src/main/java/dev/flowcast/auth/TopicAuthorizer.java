package dev.flowcast.auth;

import dev.flowcast.event.Topic;
import java.util.Objects;

/**
 * Decides, at subscribe time, whether a connection may receive a topic; immutable and safe to share between
 * threads.
 *
 * <p>A subscription is allowed when any one of these grants it, checked cheapest first:
 * <ol>
 *   <li>the topic matches {@code flowcast.auth.public-topics} (no token needed);</li>
 *   <li>the connection's token ({@code ?token=}, checked once at connect) lists it <em>and has not expired since</em>;</li>
 *   <li>the subscribe frame's {@code token}, checked now, for this subscription only (contract §3).</li>
 * </ol>
 * A frame token is only looked at when nothing cheaper grants the topic, so a bad frame token on a public topic
 * does not refuse it (it could not widen access either).
 *
 * <p><b>Expiry</b> (contract §3, "tokens end"): a subscribe sent after the connect token's {@code exp} is refused, and
 * the delivery side closes a connection whose connect token expired (1008 {@code token expired}). A subscription
 * granted by a frame token carries that token's {@code exp} in its {@link Decision.Allowed}: the delivery side ends
 * it then with {@code unsubscribed} {@code "reason":"token_expired"}.
 */
public final class TopicAuthorizer {

    private final TopicPatterns publicTopics;
    private final TokenVerifier verifier;

    public TopicAuthorizer(TopicPatterns publicTopics, TokenVerifier verifier) {
        this.publicTopics = Objects.requireNonNull(publicTopics, "publicTopics");
        this.verifier = Objects.requireNonNull(verifier, "verifier");
    }

    /**
     * Decides one subscription. Never throws; any thread.
     *
     * @param topic        the topic to subscribe to
     * @param connectToken the connection's token as checked at connect, or {@code null} when it had none
     * @param frameToken   the subscribe frame's {@code token}, or {@code null}
     */
    public Decision authorize(String topic, TokenCheck.Valid connectToken, String frameToken) {
        if (!Topic.isValid(topic)) {
            return new Decision.Denied("Topic names must match [A-Za-z0-9_.:-]{1," + Topic.MAX_LENGTH + "}.");
        }
        if (publicTopics.matches(topic)) {
            return new Decision.Allowed(Decision.Basis.PUBLIC_TOPIC);
        }
        boolean connectGrants = connectToken != null && connectToken.topics().matches(topic);
        boolean connectExpired = connectToken != null && verifier.hasExpired(connectToken);
        if (connectGrants && !connectExpired) {
            return new Decision.Allowed(Decision.Basis.CONNECT_TOKEN);
        }
        if (frameToken != null) {
            TokenCheck check = verifier.verify(frameToken);
            if (check instanceof TokenCheck.Refused refused) {
                return new Decision.Denied(refused.reason());
            }
            TokenCheck.Valid valid = (TokenCheck.Valid) check;
            return valid.topics().matches(topic)
                    ? new Decision.Allowed(Decision.Basis.FRAME_TOKEN, valid.expiresAt())
                    : new Decision.Denied("The token does not grant this topic.");
        }
        if (connectGrants) {
            return new Decision.Denied("The connection's token has expired; reconnect with a fresh token "
                    + "or send one in the subscribe frame.");
        }
        if (connectToken != null) {
            return new Decision.Denied("The connection's token does not grant this topic.");
        }
        return new Decision.Denied("This topic needs a token.");
    }
}
