package dev.flowcast.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/** Client JWTs for private topics (contract §3): HS256 with the node's secret, one topic each, valid for hours. */
final class BenchTokens {

    private final MACSigner signer;

    BenchTokens(String secret) {
        try {
            this.signer = new MACSigner(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (JOSEException e) {
            throw new IllegalArgumentException("FLOWCAST_AUTH_SECRET is not a usable HS256 key", e);
        }
    }

    /** A token that allows exactly {@code topic}, expiring in six hours (longer than any run). */
    String forTopic(String topic) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder()
                    .subject("loadgen").expirationTime(Date.from(Instant.now().plusSeconds(6 * 3600)))
                    .claim("topics", List.of(topic)).build());
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
