package dev.flowcast.auth;

import static dev.flowcast.auth.Jwts.NOW;
import static dev.flowcast.auth.Jwts.SECRET;
import static dev.flowcast.auth.Jwts.b64;
import static dev.flowcast.auth.Jwts.hmac;
import static dev.flowcast.auth.Jwts.hs256;
import static dev.flowcast.auth.Jwts.payload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TokenVerifierTest {

    final TokenVerifier verifier = new TokenVerifier(Optional.of(SECRET), Clock.fixed(NOW, ZoneOffset.UTC),
            Duration.ZERO);

    TokenCheck.Valid valid(String token) {
        TokenCheck check = verifier.verify(token);
        assertThat(check).isInstanceOf(TokenCheck.Valid.class);
        return (TokenCheck.Valid) check;
    }

    String refused(String token) {
        TokenCheck check = verifier.verify(token);
        assertThat(check).isInstanceOf(TokenCheck.Refused.class);
        String reason = ((TokenCheck.Refused) check).reason();
        assertThat(reason).isNotBlank().doesNotContain(SECRET);
        if (token != null && token.length() > 10) {
            assertThat(reason).doesNotContain(token);
        }
        return reason;
    }

    @Nested
    class Accepted {

        @Test
        void shouldAcceptValidHs256Token() {
            TokenCheck.Valid check = valid(hs256(payload(60, "[\"user:1\",\"prices:*\"]")));
            assertThat(check.topics()).isEqualTo(TopicPatterns.parse(List.of("user:1", "prices:*")));
            assertThat(check.expiresAt()).isEqualTo(NOW.plusSeconds(60));
            assertThat(check.subject()).isEqualTo("user-1");
        }

        @Test
        void shouldAcceptTokenSignedByNimbus() throws Exception {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder()
                    .expirationTime(Date.from(NOW.plusSeconds(1))).claim("topics", List.of("*")).build());
            jwt.sign(new MACSigner(SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            TokenCheck.Valid check = valid(jwt.serialize());
            assertThat(check.topics().matches("anything")).isTrue();
            assertThat(check.subject()).isNull();
        }

        @Test
        void shouldAcceptEmptyTopicsAsGrantingNothing() {
            assertThat(valid(hs256(payload(60, "[]"))).topics().isEmpty()).isTrue();
        }

        @Test
        void shouldAcceptTokenPastItsNotBefore() {
            valid(hs256("{\"exp\":" + NOW.plusSeconds(60).getEpochSecond() + ",\"nbf\":"
                    + NOW.getEpochSecond() + ",\"topics\":[]}"));
        }

        @Test
        void shouldAcceptJustExpiredTokenWithinConfiguredLeeway() {
            TokenVerifier lenient = new TokenVerifier(Optional.of(SECRET), Clock.fixed(NOW, ZoneOffset.UTC),
                    Duration.ofSeconds(5));
            assertThat(lenient.verify(hs256(payload(-4, "[]")))).isInstanceOf(TokenCheck.Valid.class);
            assertThat(lenient.verify(hs256(payload(-5, "[]")))).isInstanceOf(TokenCheck.Refused.class);
        }

        @Test
        void shouldIgnoreUnknownClaims() {
            valid(hs256("{\"exp\":" + NOW.plusSeconds(60).getEpochSecond()
                    + ",\"topics\":[\"a\"],\"aud\":\"x\",\"custom\":{\"deep\":[1,2]}}"));
        }
    }

    @Nested
    class Expiry {

        @Test
        void shouldRefuseExpiredToken() {
            assertThat(refused(hs256(payload(-1, "[\"user:1\"]")))).contains("expired");
        }

        @Test
        void shouldRefuseTokenExpiringThisVerySecond() {
            assertThat(refused(hs256(payload(0, "[\"user:1\"]")))).contains("expired");
        }

        @Test
        void shouldRefuseTokenWithoutExp() {
            assertThat(refused(hs256("{\"topics\":[\"user:1\"]}"))).contains("exp");
        }

        @ParameterizedTest
        @ValueSource(strings = {"\"1900000000\"", "null", "true", "[1]", "{}"})
        void shouldRefuseExpThatIsNotANumber(String exp) {
            refused(hs256("{\"exp\":" + exp + ",\"topics\":[\"user:1\"]}"));
        }

        @Test
        void shouldRefuseTokenNotValidYet() {
            assertThat(refused(hs256("{\"exp\":" + NOW.plusSeconds(60).getEpochSecond() + ",\"nbf\":"
                    + NOW.plusSeconds(10).getEpochSecond() + ",\"topics\":[]}"))).contains("nbf");
        }

        @Test
        void shouldSayWhenAValidTokenHasExpiredSince() {
            MutableClock clock = new MutableClock(NOW);
            TokenVerifier moving = new TokenVerifier(Optional.of(SECRET), clock, Duration.ZERO);
            TokenCheck.Valid check = (TokenCheck.Valid) moving.verify(hs256(payload(60, "[]")));
            assertThat(moving.hasExpired(check)).isFalse();
            clock.advance(Duration.ofSeconds(60));
            assertThat(moving.hasExpired(check)).isTrue();
        }
    }

    @Nested
    class ForgedOrWrongAlgorithm {

        @Test
        void shouldRefuseTokenSignedWithAnotherSecret() {
            assertThat(refused(hs256(Jwts.OTHER_SECRET, payload(60, "[\"*\"]")))).contains("signature");
        }

        @Test
        void shouldRefuseTamperedPayload() {
            String token = hs256(payload(60, "[\"user:1\"]"));
            String[] parts = token.split("\\.");
            String forged = parts[0] + "." + b64(payload(60, "[\"*\"]")) + "." + parts[2];
            assertThat(refused(forged)).contains("signature");
        }

        @Test
        void shouldRefuseAlgNoneWithEmptySignature() {
            String token = b64("{\"alg\":\"none\"}") + "." + b64(payload(60, "[\"*\"]")) + ".";
            assertThat(refused(token)).contains("Unsigned");
        }

        @Test
        void shouldRefuseAlgNoneCarryingAnHs256Signature() {
            String real = hs256(payload(60, "[\"*\"]"));
            String token = b64("{\"alg\":\"none\"}") + "." + real.split("\\.")[1] + "." + real.split("\\.")[2];
            refused(token);
        }

        @ParameterizedTest
        @ValueSource(strings = {"None", "NONE", "hs256", "HS256 ", "", "RS256", "ES256", "PS256"})
        void shouldRefuseAnyAlgHeaderButHs256EvenWithAValidHmac(String alg) {
            refused(hmac("HmacSHA256", SECRET, "{\"alg\":\"" + alg + "\"}", payload(60, "[\"*\"]")));
        }

        @Test
        void shouldRefuseHs512SignedWithTheSameSecret() {
            String token = hmac("HmacSHA512", SECRET, "{\"alg\":\"HS512\"}", payload(60, "[\"*\"]"));
            assertThat(refused(token)).contains("HS256");
        }

        @Test
        void shouldRefuseHs384SignedWithTheSameSecret() {
            String token = hmac("HmacSHA384", SECRET, "{\"alg\":\"HS384\"}", payload(60, "[\"*\"]"));
            assertThat(refused(token)).contains("HS256");
        }

        @Test
        void shouldRefuseRs256Token() throws Exception {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair keys = generator.generateKeyPair();
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), new JWTClaimsSet.Builder()
                    .expirationTime(Date.from(NOW.plusSeconds(60))).claim("topics", List.of("*")).build());
            jwt.sign(new RSASSASigner(keys.getPrivate()));
            assertThat(refused(jwt.serialize())).contains("HS256");
        }

        @Test
        void shouldRefuseCriticalHeaderItDoesNotUnderstand() {
            assertThat(refused(hmac("HmacSHA256", SECRET, "{\"alg\":\"HS256\",\"crit\":[\"exp\"],\"exp\":1}",
                    payload(60, "[\"*\"]")))).contains("critical");
        }

        @Test
        void shouldRefuseEncryptedToken() {
            String fiveParts = b64("{\"alg\":\"dir\",\"enc\":\"A128GCM\"}") + "..aaaa.bbbb.cccc";
            refused(fiveParts);
        }
    }

    @Nested
    class Malformed {

        @ParameterizedTest
        @ValueSource(strings = {"", " ", "abc", "a.b", "a.b.c", "...", "a.b.c.d", "a.b.c.d.e.f", "Bearer x.y.z",
                "eyJhbGciOiJIUzI1NiJ9", "eyJhbGciOiJIUzI1NiJ9..", "eyJhbGciOiJIUzI1NiJ9.e30.", "%%%.%%%.%%%",
                "eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.c2ln"})
        void shouldRefuseMalformedTokens(String token) {
            refused(token);
        }

        @Test
        void shouldRefuseNull() {
            refused(null);
        }

        @Test
        void shouldRefuseHugeTokenWithoutParsing() {
            assertThat(refused(hs256(payload(60, "[\"" + "a".repeat(20_000) + "\"]")))).contains("too long");
        }

        @Test
        void shouldRefusePayloadThatIsNotAnObject() {
            refused(hs256("[1,2,3]"));
            refused(hs256("\"x\""));
        }
    }

    @Nested
    class TopicsClaim {

        @Test
        void shouldRefuseMissingTopicsClaim() {
            assertThat(refused(hs256("{\"exp\":" + NOW.plusSeconds(60).getEpochSecond() + "}"))).contains("topics");
        }

        @ParameterizedTest
        @ValueSource(strings = {"\"user:1\"", "\"*\"", "1", "true", "null", "{\"user:1\":true}"})
        void shouldRefuseTopicsClaimThatIsNotAnArray(String topics) {
            assertThat(refused(hs256(payload(60, topics)))).contains("topics");
        }

        @ParameterizedTest
        @ValueSource(strings = {"[1]", "[\"user:1\",2]", "[null]", "[[\"user:1\"]]", "[{\"t\":\"user:1\"}]",
                "[true]"})
        void shouldRefuseTopicsClaimWithNonStrings(String topics) {
            assertThat(refused(hs256(payload(60, topics)))).contains("topics");
        }

        @ParameterizedTest
        @ValueSource(strings = {"[\"\"]", "[\"a b\"]", "[\"a*b\"]", "[\"**\"]", "[\"user:1\",\"*x\"]", "[\" user:1\"]"})
        void shouldRefuseTopicsClaimWithInvalidPatterns(String topics) {
            assertThat(refused(hs256(payload(60, topics)))).contains("pattern");
        }
    }

    @Nested
    class Configuration {

        @Test
        void shouldRefuseEveryTokenWithoutSecret() {
            TokenVerifier disabled = new TokenVerifier(Optional.empty());
            assertThat(disabled.isEnabled()).isFalse();
            assertThat(disabled.verify(Jwts.validToken("*"))).isInstanceOf(TokenCheck.Refused.class);
        }

        @Test
        void shouldRefuseSecretShorterThan32Bytes() {
            assertThatThrownBy(() -> new TokenVerifier(Optional.of("x".repeat(31))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32");
            assertThatThrownBy(() -> new TokenVerifier(Optional.of("")))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(new TokenVerifier(Optional.of("x".repeat(32))).isEnabled()).isTrue();
        }

        @Test
        void shouldCountSecretLengthInUtf8Bytes() {
            assertThat(new TokenVerifier(Optional.of("\u00e9".repeat(16))).isEnabled()).isTrue(); // 32 bytes
            assertThatThrownBy(() -> new TokenVerifier(Optional.of("\u00e9".repeat(15) + "x")))
                    .isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void shouldRefuseNegativeLeeway() {
            assertThatThrownBy(() -> new TokenVerifier(Optional.of(SECRET), Clock.systemUTC(), Duration.ofSeconds(-1)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    // ---- fuzz: verify never throws ------------------------------------------------------------------------

    @Property(tries = 2000)
    void shouldNeverThrowOnRandomOrMutatedTokens(@ForAll("tokens") String token) {
        TokenCheck check = verifier.verify(token);
        assertThat(check).isNotNull();
        if (check instanceof TokenCheck.Refused refused) {
            assertThat(refused.reason()).isNotBlank();
        }
    }

    @Provide
    Arbitrary<String> tokens() {
        String base = Jwts.validToken("user:1");
        Arbitrary<String> mutated = Combinators.combine(Arbitraries.integers().between(0, base.length() - 1),
                Arbitraries.chars().with("AZaz09-_.=+/ {}\"\u00e9\u0000".toCharArray()), Arbitraries.integers().between(0, 2))
                .as((i, c, kind) -> switch (kind) {
                    case 0 -> base.substring(0, i) + c + base.substring(i + 1);
                    case 1 -> base.substring(0, i) + base.substring(i + 1);
                    default -> base.substring(0, i) + c + base.substring(i);
                });
        return Arbitraries.oneOf(mutated, Arbitraries.strings().all().ofMaxLength(200),
                Arbitraries.strings().withChars("AZaz09-_.").ofMaxLength(200));
    }
}
