package dev.flowcast.delivery;

import dev.flowcast.auth.Decision;
import dev.flowcast.auth.TopicAuthorizer;
import dev.flowcast.delivery.frame.ClientFrame;
import dev.flowcast.delivery.frame.ClientFrameDecoder;
import dev.flowcast.delivery.frame.Decoded;
import dev.flowcast.delivery.frame.ErrorCode;
import dev.flowcast.delivery.frame.FrameError;
import dev.flowcast.delivery.frame.ServerFrames;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/**
 * The client protocol (contract §3) for one node: what each client frame does, under the connection's limits.
 *
 * <p>Every frame first passes the connection's {@link FrameRateLimiter}; then it is decoded, and a subscribe is
 * checked (authorization, the subscription limit) before its work goes to the topic's fan-out lane. Refusals become
 * {@code error} frames and the connection stays open, except for a connection that keeps flooding (1008).
 * Unsubscribes and expiries end a subscription at once, in its outbox ({@link Outbox#end}); the channel drops it
 * later. Nothing here waits: a fan-out queue that is full answers {@code unavailable}, and so does a client node
 * cut off from its Hazelcast cluster (a subscribe would otherwise hold a fan-out lane for the cluster call's
 * timeout, then fail).
 *
 * <p>Threading: {@link #onFrame} runs on the container's WebSocket threads, one frame at a time per connection;
 * {@link #endExpired} and {@link #closed} from the housekeeping tick and the endpoint. Thread-safe.
 */
final class ClientProtocol {

    static final String RATE_LIMITED_REASON = "rate limited";
    static final String TOKEN_EXPIRED_REASON = "token expired";
    static final String TOKEN_EXPIRED_UNSUBSCRIBE = "token_expired";

    private final TopicAuthorizer authorizer;
    private final FanOutStage fanOut;
    private final int maxSubscriptions;
    private final BooleanSupplier clusterReachable;

    /** @param clusterReachable false while the node cannot reach its cluster (a client node cut off from it) */
    ClientProtocol(TopicAuthorizer authorizer, FanOutStage fanOut, int maxSubscriptions, BooleanSupplier clusterReachable) {
        this.authorizer = authorizer;
        this.fanOut = fanOut;
        this.maxSubscriptions = maxSubscriptions;
        this.clusterReachable = clusterReachable;
    }

    /** Handles one client text frame that arrived at {@code nowNanos}. */
    void onFrame(Connection connection, String text, long nowNanos) {
        connection.heard(nowNanos);
        switch (connection.rate().onFrame(nowNanos)) {
            case ALLOW -> handle(connection, text);
            case REFUSE -> refuseRate(connection, text);
            // after the rate_limited errors already queued: the client learns why (contract §3); a client that
            // does not read either is dropped by the housekeeping's abort deadline
            case CLOSE -> connection.outbox().closeAfterFlush(Outbox.SLOW_CONSUMER_CODE, RATE_LIMITED_REASON);
            default -> throw new AssertionError();
        }
    }

    private void handle(Connection connection, String text) {
        Decoded decoded = ClientFrameDecoder.decode(text);
        if (decoded instanceof Decoded.Failed failed) {
            connection.send(ServerFrames.error(failed.error()));
            return;
        }
        ClientFrame frame = ((Decoded.Ok) decoded).frame();
        if (frame instanceof ClientFrame.Ping) {
            connection.send(ServerFrames.pong());
        } else if (frame instanceof ClientFrame.Subscribe subscribe) {
            subscribe(connection, subscribe);
        } else if (frame instanceof ClientFrame.Unsubscribe unsubscribe) {
            unsubscribe(connection, unsubscribe.topic());
        }
    }

    /** Over the rate: answer {@code rate_limited}, naming the frame's topic when it had one. */
    private static void refuseRate(Connection connection, String text) {
        String topic = null;
        if (ClientFrameDecoder.decode(text) instanceof Decoded.Ok ok) {
            if (ok.frame() instanceof ClientFrame.Subscribe s) {
                topic = s.topic();
            } else if (ok.frame() instanceof ClientFrame.Unsubscribe u) {
                topic = u.topic();
            }
        }
        refuse(connection, ErrorCode.RATE_LIMITED, "too many frames: at most the configured frames per second "
                + "(flowcast.client.max-frames-per-second) are handled; this one was not", topic);
    }

    private void subscribe(Connection connection, ClientFrame.Subscribe frame) {
        String topic = frame.topic();
        Decision decision = authorizer.authorize(topic, connection.connectToken(), frame.token());
        if (!(decision instanceof Decision.Allowed allowed)) {
            refuse(connection, ErrorCode.UNAUTHORIZED, ((Decision.Denied) decision).reason(), topic);
            return;
        }
        if (!clusterReachable.getAsBoolean()) {
            refuse(connection, ErrorCode.UNAVAILABLE, "this node has lost its Hazelcast cluster and is reconnecting;"
                    + " subscribe again, or connect to another node", topic);
            return;
        }
        Subscription existing = connection.subscription(topic);
        if (existing != null) { // a repeated subscribe: answered with subscribed, its grant renewed
            existing.renew(allowed.expiresAt());
            if (!fanOut.offer(new FanOutWork.Subscribe(existing, frame.since(), frame.epoch()))) {
                refuse(connection, ErrorCode.UNAVAILABLE, "the server is busy; subscribe again later", topic);
            }
            return;
        }
        if (connection.subscriptionCount() >= maxSubscriptions) {
            refuse(connection, ErrorCode.TOO_MANY_SUBSCRIPTIONS,
                    "a connection may hold at most " + maxSubscriptions + " subscriptions", topic);
            return;
        }
        Subscription subscription = connection.subscribe(topic, allowed.expiresAt());
        fanOut.fanOut().reserveChannel(topic);
        if (!fanOut.offer(new FanOutWork.Subscribe(subscription, frame.since(), frame.epoch()))) {
            connection.forgetIfSame(subscription);
            connection.outbox().end(subscription, Chunk.control(ServerFrames.error(new FrameError(
                    ErrorCode.UNAVAILABLE, "the server is busy or shutting down; subscribe again later", topic))));
            fanOut.offer(new FanOutWork.Prune(topic)); // the reserved channel, if nobody else wants it
        }
    }

    private void unsubscribe(Connection connection, String topic) {
        Subscription subscription = connection.forget(topic);
        if (subscription == null) {
            connection.send(ServerFrames.unsubscribed(topic)); // not subscribed: nothing to stop
            return;
        }
        connection.outbox().end(subscription, Chunk.control(ServerFrames.unsubscribed(topic)));
        fanOut.offer(new FanOutWork.Prune(topic)); // best effort: the housekeeping sweep prunes what this misses
    }

    /**
     * Ends what expired at {@code now}: the whole connection when its connect token did (1008 {@code token
     * expired}, after what is queued), else each subscription whose frame token did ({@code unsubscribed} with
     * {@code "reason":"token_expired"}). Returns true when the connection is being closed.
     */
    boolean endExpired(Connection connection, Instant now) {
        if (connection.connectToken() != null && !now.isBefore(connection.connectToken().expiresAt())) {
            connection.outbox().closeAfterFlush(Outbox.SLOW_CONSUMER_CODE, TOKEN_EXPIRED_REASON);
            return true;
        }
        for (Subscription subscription : connection.forgetExpired(now)) {
            connection.outbox().end(subscription, Chunk.control(
                    ServerFrames.unsubscribed(subscription.topic(), TOKEN_EXPIRED_UNSUBSCRIBE)));
            fanOut.offer(new FanOutWork.Prune(subscription.topic()));
        }
        return false;
    }

    /** The connection is gone: end every subscription and let their channels drop them. */
    void closed(Connection connection) {
        connection.outbox().close();
        for (Subscription subscription : connection.forgetAll()) {
            connection.outbox().end(subscription, null);
            fanOut.offer(new FanOutWork.Prune(subscription.topic()));
        }
    }

    private static void refuse(Connection connection, ErrorCode code, String message, String topic) {
        connection.send(ServerFrames.error(new FrameError(code, message, topic)));
    }
}
