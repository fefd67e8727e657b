package dev.flowcast.delivery;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.flowcast.auth.TokenCheck;
import dev.flowcast.auth.TokenVerifier;
import dev.flowcast.auth.TopicAuthorizer;
import dev.flowcast.auth.TopicPatterns;
import dev.flowcast.stage.TestThreads;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The delivery side's protocol parts wired as in {@link Delivery}, without a container: a real fan-out stage on
 * test threads over a {@link FakeHistory}, connections with recording sinks, and tokens minted with nimbus.
 */
final class ProtocolFixture implements AutoCloseable {

    static final String SECRET = "delivery-test-secret-0123456789-0123456789";

    final FakeHistory history = new FakeHistory();
    final InlineWriter writer = new InlineWriter();
    final Instant start = Instant.parse("2030-01-01T00:00:00Z");
    final FanOutStage fanOut;
    final ClientProtocol protocol;
    final ConnectionRegistry registry = new ConnectionRegistry(100);
    /** What the node's cluster connection reports; a test sets it false to cut the node off. */
    final AtomicBoolean clusterReachable = new AtomicBoolean(true);
    private final TokenVerifier verifier;

    ProtocolFixture(int fanOutCapacity, int workers, int maxSubscriptions, Clock clock) {
        verifier = new TokenVerifier(Optional.of(SECRET), clock, Duration.ZERO);
        TopicAuthorizer authorizer = new TopicAuthorizer(TopicPatterns.parseCommaList("public:*"), verifier);
        fanOut = new FanOutStage(fanOutCapacity, workers, TestThreads.daemon(), history, DeliveryObserver.NONE);
        fanOut.start();
        protocol = new ClientProtocol(authorizer, fanOut, maxSubscriptions, clusterReachable::get);
    }

    ProtocolFixture() {
        this(1000, 2, 3, Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC));
    }

    /** A registered connection whose socket completes every write at once. */
    Client connect(String id, TokenCheck.Valid connectToken, int framesPerSecond) {
        return connect(id, connectToken, framesPerSecond, true);
    }

    /** A registered connection; {@code fastSocket} false: each write waits for {@link RecordingSink#completeNext}. */
    Client connect(String id, TokenCheck.Valid connectToken, int framesPerSecond, boolean fastSocket) {
        RecordingSink sink = new RecordingSink(fastSocket);
        Outbox outbox = new Outbox(sink, 1000, 1 << 20, DeliveryObserver.NONE, writer);
        Connection connection = new Connection(id, registry.nextSerial(), outbox, connectToken,
                new FrameRateLimiter(framesPerSecond, 0), 0);
        registry.add(connection);
        return new Client(connection, sink);
    }

    Client connect(String id) {
        return connect(id, null, 1000);
    }

    /** An HS256 token granting {@code topic}, expiring at {@code exp}. */
    static String token(String topic, Instant exp) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder()
                    .subject("user-1").expirationTime(Date.from(exp)).claim("topics", List.of(topic)).build());
            jwt.sign(new MACSigner(SECRET));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new AssertionError(e);
        }
    }

    TokenCheck.Valid connectToken(String topic, Instant exp) {
        return (TokenCheck.Valid) verifier.verify(token(topic, exp));
    }

    @Override
    public void close() {
        fanOut.drain(Duration.ofSeconds(5));
    }

    record Client(Connection connection, RecordingSink sink) {

        void send(String frame, long nowNanos, ClientProtocol protocol) {
            protocol.onFrame(connection, frame, nowNanos);
        }

        List<JsonObject> frames() {
            return sink.frames().stream().map(f -> Json.createReader(new StringReader(f)).readObject()).toList();
        }

        /** "type" or "type:code/reason/seq" of every frame received, in order. */
        List<String> summary() {
            return frames().stream().map(f -> switch (f.getString("type")) {
                case "error" -> "error:" + f.getString("code");
                case "unsubscribed" -> "unsubscribed" + (f.containsKey("reason") ? ":" + f.getString("reason") : "");
                case "event" -> "event:" + f.getJsonNumber("seq");
                default -> f.getString("type");
            }).toList();
        }
    }
}
