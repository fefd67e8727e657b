package dev.flowcast.delivery;

import dev.flowcast.cluster.EventBatch;

/**
 * Work for a topic's fan-out lane. Everything that changes who receives a topic runs in that topic's lane,
 * in order with its events: that is what makes the {@code subscribed} seq, the replay and the live events
 * meet without a hole or a duplicate.
 *
 * <p>Immutable.
 */
public sealed interface FanOutWork {

    /** The topic, which is the lane key. */
    String topic();

    /** Sequenced events from the bus. */
    record Deliver(EventBatch batch) implements FanOutWork {
        @Override
        public String topic() {
            return batch.topic();
        }
    }

    /** A client subscribes; {@code since} null = from now on. */
    record Subscribe(Connection connection, String topic, Long since, String epoch) implements FanOutWork {
    }

    /** A client unsubscribes ({@code answer} = send {@code unsubscribed}) or is gone ({@code answer} = false). */
    record Unsubscribe(Connection connection, String topic, boolean answer) implements FanOutWork {
    }

    /** The bus lost messages of this topic's partition: compare with history and catch up. */
    record Resync(String topic) implements FanOutWork {
    }
}
