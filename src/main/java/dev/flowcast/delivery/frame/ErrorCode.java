package dev.flowcast.delivery.frame;

/**
 * The {@code code} of an {@code error} frame (contract §3); immutable.
 */
public enum ErrorCode {

    /** Not JSON, not an object, a missing or wrong-typed field. */
    BAD_FRAME("bad_frame"),
    /** A {@code type} the server does not know. */
    UNKNOWN_TYPE("unknown_type"),
    /** A topic name outside {@code [A-Za-z0-9_.:-]{1,200}}. */
    BAD_TOPIC("bad_topic"),
    /** No token, or a token that is expired, forged, not HS256, or lacks the topic. */
    UNAUTHORIZED("unauthorized"),
    /** The connection already holds {@code flowcast.client.max-subscriptions} topics. */
    TOO_MANY_SUBSCRIPTIONS("too_many_subscriptions"),
    /** The connection sends more than {@code flowcast.client.max-frames-per-second}; the frame was not handled. */
    RATE_LIMITED("rate_limited"),
    /** The server could not take the frame on right now (shutting down, or overloaded); the client may retry. */
    UNAVAILABLE("unavailable");

    private final String wireName;

    ErrorCode(String wireName) {
        this.wireName = wireName;
    }

    /** The code as it appears on the wire, e.g. {@code bad_frame}. */
    public String wireName() {
        return wireName;
    }
}
