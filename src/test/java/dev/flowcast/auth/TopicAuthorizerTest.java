package dev.flowcast.auth;

import static dev.flowcast.auth.Jwts.NOW;
import static dev.flowcast.auth.Jwts.SECRET;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TopicAuthorizerTest {

    final MutableClock clock = new MutableClock(NOW);
    final TokenVerifier verifier = new TokenVerifier(Optional.of(SECRET), clock, Duration.ZERO);
    final TopicAuthorizer authorizer = new TopicAuthorizer(TopicPatterns.parseCommaList("public:*"), verifier);

    TokenCheck.Valid connect(String... patterns) {
        return (TokenCheck.Valid) verifier.verify(Jwts.validToken(patterns));
    }

    static void assertAllowed(Decision decision, Decision.Basis basis) {
        assertThat(decision).isInstanceOf(Decision.Allowed.class);
        Decision.Allowed allowed = (Decision.Allowed) decision;
        assertThat(allowed.basis()).isEqualTo(basis);
        // only a frame token's grant ends on its own: its exp travels with the decision
        assertThat(allowed.expiresAt() != null).isEqualTo(basis == Decision.Basis.FRAME_TOKEN);
        assertThat(decision.isAllowed()).isTrue();
    }

    static String denied(Decision decision) {
        assertThat(decision).isInstanceOf(Decision.Denied.class);
        assertThat(decision.isAllowed()).isFalse();
        return ((Decision.Denied) decision).reason();
    }

    @Test
    void shouldAllowPublicTopicWithoutToken() {
        assertAllowed(authorizer.authorize("public:demo.prices", null, null), Decision.Basis.PUBLIC_TOPIC);
    }

    @Test
    void shouldAllowPublicTopicEvenWithABadFrameToken() {
        assertAllowed(authorizer.authorize("public:x", null, "garbage"), Decision.Basis.PUBLIC_TOPIC);
    }

    @Test
    void shouldDenyPrivateTopicWithoutToken() {
        assertThat(denied(authorizer.authorize("user:1", null, null))).contains("needs a token");
    }

    @Test
    void shouldNotLetAConnectTokenForUser1SubscribeUser2() {
        TokenCheck.Valid user1 = connect("user:1");
        assertAllowed(authorizer.authorize("user:1", user1, null), Decision.Basis.CONNECT_TOKEN);
        assertThat(denied(authorizer.authorize("user:2", user1, null))).contains("does not grant");
    }

    @Test
    void aSubscriptionGrantedByAFrameToken_endsAtThatTokensExpiry() {
        String token = Jwts.hs256(Jwts.payload(90, "[\"user:1\"]"));
        Decision decision = authorizer.authorize("user:1", null, token);
        assertThat(((Decision.Allowed) decision).expiresAt()).isEqualTo(Jwts.NOW.plusSeconds(90));
    }

    @Test
    void shouldNotLetAFrameTokenForUser1SubscribeUser2() {
        String user1 = Jwts.validToken("user:1");
        assertAllowed(authorizer.authorize("user:1", null, user1), Decision.Basis.FRAME_TOKEN);
        assertThat(denied(authorizer.authorize("user:2", null, user1))).contains("does not grant");
    }

    @Test
    void shouldCoverEverySubscriptionWithTheConnectToken() {
        TokenCheck.Valid grant = connect("user:1", "prices:*");
        assertAllowed(authorizer.authorize("user:1", grant, null), Decision.Basis.CONNECT_TOKEN);
        assertAllowed(authorizer.authorize("prices:a", grant, null), Decision.Basis.CONNECT_TOKEN);
        assertAllowed(authorizer.authorize("prices:b", grant, null), Decision.Basis.CONNECT_TOKEN);
    }

    @Test
    void shouldUseAFrameTokenForItsOwnSubscriptionOnly() {
        assertAllowed(authorizer.authorize("user:1", null, Jwts.validToken("user:1")), Decision.Basis.FRAME_TOKEN);
        denied(authorizer.authorize("user:1", null, null)); // nothing was remembered
    }

    @Test
    void shouldAddAFrameTokenGrantToAConnectTokenGrant() {
        TokenCheck.Valid user1 = connect("user:1");
        assertAllowed(authorizer.authorize("room:9", user1, Jwts.validToken("room:*")), Decision.Basis.FRAME_TOKEN);
    }

    @Test
    void shouldDenyForgedFrameTokenWithItsReason() {
        String forged = Jwts.hs256(Jwts.OTHER_SECRET, Jwts.payload(60, "[\"*\"]"));
        assertThat(denied(authorizer.authorize("user:1", null, forged))).contains("signature");
    }

    @Test
    void shouldDenyExpiredFrameToken() {
        String expired = Jwts.hs256(Jwts.payload(-1, "[\"*\"]"));
        assertThat(denied(authorizer.authorize("user:1", null, expired))).contains("expired");
    }

    @Test
    void shouldDenyNewSubscriptionsOnceTheConnectTokenHasExpired() {
        TokenCheck.Valid grant = connect("user:1"); // expires in 3600 s
        assertAllowed(authorizer.authorize("user:1", grant, null), Decision.Basis.CONNECT_TOKEN);
        clock.advance(Duration.ofSeconds(3600));
        assertThat(denied(authorizer.authorize("user:1", grant, null))).contains("expired");
        assertAllowed(authorizer.authorize("public:x", grant, null), Decision.Basis.PUBLIC_TOPIC);
    }

    @Test
    void shouldAcceptAFreshFrameTokenAfterTheConnectTokenExpired() {
        TokenCheck.Valid grant = connect("user:1");
        clock.advance(Duration.ofSeconds(3600));
        String fresh = Jwts.hs256(Jwts.payload(7200, "[\"user:1\"]"));
        assertAllowed(authorizer.authorize("user:1", grant, fresh), Decision.Basis.FRAME_TOKEN);
    }

    @Test
    void shouldGrantEveryTopicToStarToken() {
        assertAllowed(authorizer.authorize("anything:at.all", connect("*"), null), Decision.Basis.CONNECT_TOKEN);
    }

    @Test
    void shouldDenyIllegalTopicNames() {
        assertThat(denied(authorizer.authorize("a b", connect("*"), null))).contains("Topic names");
        denied(authorizer.authorize(null, connect("*"), null));
    }

    @Test
    void shouldAllowOnlyPublicTopicsWithoutSecret() {
        TopicAuthorizer noSecret = new TopicAuthorizer(TopicPatterns.parseCommaList("public:*"),
                new TokenVerifier(Optional.empty()));
        assertAllowed(noSecret.authorize("public:a", null, null), Decision.Basis.PUBLIC_TOPIC);
        assertThat(denied(noSecret.authorize("user:1", null, Jwts.validToken("user:1"))))
                .contains("no token secret");
    }

    @Test
    void shouldDenyEverythingButTokensWhenNoTopicIsPublic() {
        TopicAuthorizer closed = new TopicAuthorizer(TopicPatterns.none(), verifier);
        denied(closed.authorize("public:a", null, null));
        assertAllowed(closed.authorize("public:a", connect("public:*"), null), Decision.Basis.CONNECT_TOKEN);
    }
}
