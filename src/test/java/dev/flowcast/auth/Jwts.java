package dev.flowcast.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Crafts compact JWTs by hand, so tests control every byte of header and payload. */
final class Jwts {

    static final String SECRET = "test-secret-0123456789-0123456789-abcdef"; // 40 bytes
    static final String OTHER_SECRET = "another-secret-0123456789-0123456789-xyz";
    static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    private Jwts() {
    }

    static String b64(String json) {
        return b64(json.getBytes(StandardCharsets.UTF_8));
    }

    static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** header.payload.HMAC(signingInput) with the given JCA MAC algorithm. */
    static String hmac(String macAlgorithm, String secret, String headerJson, String payloadJson) {
        String input = b64(headerJson) + "." + b64(payloadJson);
        try {
            Mac mac = Mac.getInstance(macAlgorithm);
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), macAlgorithm));
            return input + "." + b64(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    static String hs256(String secret, String payloadJson) {
        return hmac("HmacSHA256", secret, "{\"alg\":\"HS256\",\"typ\":\"JWT\"}", payloadJson);
    }

    static String hs256(String payloadJson) {
        return hs256(SECRET, payloadJson);
    }

    /** A payload with {@code exp} = NOW + seconds and the given raw {@code topics} JSON. */
    static String payload(long expInSeconds, String topicsJson) {
        return "{\"sub\":\"user-1\",\"exp\":" + NOW.plusSeconds(expInSeconds).getEpochSecond()
                + ",\"topics\":" + topicsJson + "}";
    }

    static String validToken(String... patterns) {
        StringBuilder topics = new StringBuilder("[");
        for (String p : patterns) {
            topics.append(topics.length() > 1 ? "," : "").append('"').append(p).append('"');
        }
        return hs256(payload(3600, topics.append(']').toString()));
    }
}
