package dev.flowcast.it;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;

/** Client JWTs for tests, signed with the secret the failsafe configuration gives the server. */
public final class Tokens {

    public static final String SECRET = System.getenv().getOrDefault("FLOWCAST_AUTH_SECRET", "");

    private Tokens() {
    }

    /** A valid HS256 token for {@code topics}, expiring in an hour. */
    public static String forTopics(String... topics) {
        return signed(JWSAlgorithm.HS256, SECRET, Instant.now().plusSeconds(3600), topics);
    }

    /** A valid HS256 token for {@code topics} that expires {@code in} from now (JWT {@code exp} is whole seconds). */
    public static String expiringIn(Duration in, String... topics) {
        return signed(JWSAlgorithm.HS256, SECRET, Instant.now().plus(in), topics);
    }

    public static String expired(String... topics) {
        return signed(JWSAlgorithm.HS256, SECRET, Instant.now().minusSeconds(60), topics);
    }

    public static String forged(String... topics) {
        return signed(JWSAlgorithm.HS256, "another-secret-that-is-long-enough-0123456789", Instant.now().plusSeconds(3600), topics);
    }

    /** Signed with the right secret, but HS512: the contract accepts HS256 only. */
    public static String hs512(String... topics) {
        return signed(JWSAlgorithm.HS512, SECRET + SECRET, Instant.now().plusSeconds(3600), topics);
    }

    /** An unsigned token ({@code "alg":"none"}) that claims every topic. */
    public static String algNone() {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String payload = b64.encodeToString(("{\"exp\":" + Instant.now().plusSeconds(3600).getEpochSecond()
                + ",\"topics\":[\"*\"]}").getBytes(StandardCharsets.UTF_8));
        return header + "." + payload + ".";
    }

    private static String signed(JWSAlgorithm alg, String secret, Instant exp, String... topics) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(alg), new JWTClaimsSet.Builder()
                    .subject("it-user").expirationTime(Date.from(exp)).claim("topics", List.of(topics)).build());
            jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
