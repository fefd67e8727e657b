package dev.flowcast.delivery.frame;

import dev.flowcast.event.Topic;

/**
 * One decoded, well-formed client frame (contract §3); immutable and safe to share between threads.
 *
 * <p>Every instance is valid by construction: topics are legal names ({@link Topic#isValid}) and {@code since}
 * is never negative, so code that receives a {@code ClientFrame} need not check again. Authorization is not
 * decided here.
 */
public sealed interface ClientFrame permits ClientFrame.Subscribe, ClientFrame.Unsubscribe, ClientFrame.Ping {

    /**
     * {@code {"type":"subscribe","topic":"t","since":17,"epoch":"e","token":"…"}}.
     *
     * @param topic a legal topic name
     * @param since replay events with a seq above this one; {@code null} = live only
     * @param epoch the topic epoch the client last saw; {@code null} when the client sent none
     * @param token a JWT for this subscription only; {@code null} when the client sent none
     */
    record Subscribe(String topic, Long since, String epoch, String token) implements ClientFrame {

        public Subscribe {
            Topic.require(topic);
            if (since != null && since < 0) {
                throw new IllegalArgumentException("since must be >= 0: " + since);
            }
        }

        /** A live-only subscription with no token. */
        public static Subscribe live(String topic) {
            return new Subscribe(topic, null, null, null);
        }

        /** The token is a credential: it never appears in logs through {@code toString}. */
        @Override
        public String toString() {
            return "Subscribe[topic=" + topic + ", since=" + since + ", epoch=" + epoch
                    + ", token=" + (token == null ? "null" : "<redacted>") + "]";
        }
    }

    /**
     * {@code {"type":"unsubscribe","topic":"t"}}.
     *
     * @param topic a legal topic name
     */
    record Unsubscribe(String topic) implements ClientFrame {

        public Unsubscribe {
            Topic.require(topic);
        }
    }

    /** {@code {"type":"ping"}}. */
    record Ping() implements ClientFrame {
    }
}
