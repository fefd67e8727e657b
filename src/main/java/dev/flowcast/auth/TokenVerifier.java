package dev.flowcast.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks client JWTs (contract §3) with nimbus-jose-jwt; immutable and safe to share between threads.
 *
 * <p>A token is {@link TokenCheck.Valid} only when all of these hold, checked in this order:
 * <ol>
 *   <li>a secret is configured ({@code flowcast.auth.secret}); without one every token is refused;</li>
 *   <li>it is a compact JWS of at most {@link #MAX_TOKEN_CHARS} characters: unsigned ({@code alg: none}) and
 *       encrypted tokens are refused;</li>
 *   <li>its header's {@code alg} is exactly {@code HS256}: HS384, HS512, RS*, ES* … are refused, even when signed
 *       with the same secret, so no algorithm can be chosen by the token's author; a {@code crit} header is
 *       refused;</li>
 *   <li>its HMAC signature verifies with the secret;</li>
 *   <li>{@code exp} is present and later than now, and {@code nbf}, if present, is not later than now;</li>
 *   <li>{@code topics} is a JSON array of valid {@link TopicPattern} strings (an empty array grants nothing).</li>
 * </ol>
 *
 * <p><b>Clock skew:</b> the default leeway is zero. The contract says "not in the past", black-box tests probe
 * exactly that edge, and an issuer can always mint tokens with head room; the constructor that takes a
 * {@link Duration} allows a few seconds where issuers' clocks are known to drift. (nimbus' own
 * {@code DefaultJWTClaimsVerifier} would silently allow 60 s, which is why it is not used.)
 */
public final class TokenVerifier {

    /** Shortest accepted secret, in UTF-8 bytes: HS256 needs a 256-bit key (RFC 7518 §3.2). */
    public static final int MIN_SECRET_BYTES = 32;

    /** Longest token looked at; anything longer is refused before parsing. */
    public static final int MAX_TOKEN_CHARS = 16 * 1024;

    private final MACVerifier mac; // null when no secret is configured
    private final Clock clock;
    private final Duration leeway;

    /**
     * A verifier on the system clock with no leeway.
     *
     * @param secret the HMAC secret; empty = every token is refused
     * @throws IllegalArgumentException when the secret is shorter than {@link #MIN_SECRET_BYTES} UTF-8 bytes
     */
    public TokenVerifier(Optional<String> secret) {
        this(secret, Clock.systemUTC(), Duration.ZERO);
    }

    /**
     * A verifier on {@code clock} that accepts tokens up to {@code leeway} past their {@code exp} (or before their
     * {@code nbf}).
     *
     * @throws IllegalArgumentException when the secret is too short or the leeway is negative
     */
    public TokenVerifier(Optional<String> secret, Clock clock, Duration leeway) {
        Objects.requireNonNull(secret, "secret");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.leeway = Objects.requireNonNull(leeway, "leeway");
        if (leeway.isNegative()) {
            throw new IllegalArgumentException("token leeway cannot be negative: " + leeway);
        }
        this.mac = secret.map(TokenVerifier::macVerifier).orElse(null);
    }

    private static MACVerifier macVerifier(String secret) {
        byte[] key = secret.getBytes(StandardCharsets.UTF_8);
        if (key.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("flowcast.auth.secret must be at least " + MIN_SECRET_BYTES
                    + " bytes (UTF-8), it has " + key.length);
        }
        try {
            return new MACVerifier(key);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("flowcast.auth.secret is not a usable HMAC key", e);
        }
    }

    /** True when a secret is configured, so tokens can be valid at all. */
    public boolean isEnabled() {
        return mac != null;
    }

    /**
     * Checks one compact JWT. Never throws; any thread.
     *
     * @param compactJwt the token, possibly {@code null} or garbage
     */
    public TokenCheck verify(String compactJwt) {
        if (mac == null) {
            return refused("Tokens are not accepted: the server has no token secret configured.");
        }
        if (compactJwt == null || compactJwt.isBlank()) {
            return refused("No token was given.");
        }
        if (compactJwt.length() > MAX_TOKEN_CHARS) {
            return refused("The token is too long.");
        }
        try {
            return check(compactJwt);
        } catch (ParseException | JOSEException | RuntimeException e) {
            return refused("The token is malformed.");
        }
    }

    private TokenCheck check(String compactJwt) throws ParseException, JOSEException {
        JWT jwt = JWTParser.parse(compactJwt);
        if (jwt instanceof PlainJWT) {
            return refused("Unsigned tokens are refused; sign it with HS256.");
        }
        if (jwt instanceof EncryptedJWT || !(jwt instanceof SignedJWT signed)) {
            return refused("Encrypted tokens are not supported; sign it with HS256.");
        }
        if (!JWSAlgorithm.HS256.equals(signed.getHeader().getAlgorithm())) {
            return refused("The token's algorithm must be HS256.");
        }
        if (signed.getHeader().getCriticalParams() != null) { // nimbus would refuse it too, as a bad signature
            return refused("The token has critical header parameters this server does not understand.");
        }
        if (!signed.verify(mac)) {
            return refused("The token's signature is invalid.");
        }
        return checkClaims(signed.getJWTClaimsSet());
    }

    private TokenCheck checkClaims(JWTClaimsSet claims) {
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            return refused("The token has no expiry (exp).");
        }
        if (!now.isBefore(exp.toInstant().plus(leeway))) {
            return refused("The token has expired.");
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now.plus(leeway).isBefore(nbf.toInstant())) {
            return refused("The token is not valid yet (nbf).");
        }
        Object topics = claims.getClaim("topics");
        if (!(topics instanceof List<?> items)) {
            return refused("The token's topics claim must be an array of topic patterns.");
        }
        List<String> patterns = new ArrayList<>(items.size());
        for (Object item : items) {
            if (!(item instanceof String pattern)) {
                return refused("The token's topics claim must be an array of topic patterns.");
            }
            patterns.add(pattern);
        }
        TopicPatterns granted;
        try {
            granted = TopicPatterns.parse(patterns);
        } catch (IllegalArgumentException e) {
            return refused("The token's topics claim holds an invalid topic pattern.");
        }
        return new TokenCheck.Valid(granted, exp.toInstant(), claims.getSubject());
    }

    /**
     * True when {@code token}, valid when it was checked, has expired since (with this verifier's leeway).
     * Lets a connect token's grant be re-checked at each subscribe.
     */
    public boolean hasExpired(TokenCheck.Valid token) {
        return !clock.instant().isBefore(token.expiresAt().plus(leeway));
    }

    private static TokenCheck.Refused refused(String reason) {
        return new TokenCheck.Refused(reason);
    }
}
