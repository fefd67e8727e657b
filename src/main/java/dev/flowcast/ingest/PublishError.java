package dev.flowcast.ingest;

/**
 * A refused publish: the HTTP status, the error code of the JSON body, and a sentence for a human.
 *
 * <p>Thrown by the parsing and admission steps and turned into a response by the REST resource; Java API
 * callers catch it. Immutable.
 */
public final class PublishError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final Integer index;

    public PublishError(int status, String code, String message) {
        this(status, code, message, null);
    }

    private PublishError(int status, String code, String message, Integer index) {
        super(message, null, false, false); // no stack trace: these are answers, not failures
        this.status = status;
        this.code = code;
        this.index = index;
    }

    /** The same error, naming the batch item it came from. */
    public PublishError at(int itemIndex) {
        return new PublishError(status, code, "item " + itemIndex + ": " + getMessage(), itemIndex);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** Index of the offending batch item, or null. */
    public Integer index() {
        return index;
    }

    static PublishError badJson(String why) {
        return new PublishError(400, "bad_json", why);
    }

    static PublishError badTopic(String why) {
        return new PublishError(400, "bad_topic", why);
    }

    static PublishError tooLarge(int maxBytes) {
        return new PublishError(413, "too_large", "event data is larger than flowcast.event.max-bytes (" + maxBytes + " bytes)");
    }

    static PublishError queueFull() {
        return new PublishError(429, "queue_full", "the ingest queue is full; retry after the Retry-After delay");
    }

    static PublishError unavailable() {
        return new PublishError(503, "unavailable", "this node is shutting down and accepts no more events");
    }
}
