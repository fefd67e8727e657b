package dev.flowcast.delivery;

import dev.flowcast.cluster.EventBatch;

/**
 * Work for a topic's fan-out lane. Whatever changes who receives a topic runs in that topic's lane, in order with
 * its events: that is what makes the {@code subscribed} seq, the replay and the live events meet without a hole or
 * a duplicate. (Ending a subscription needs no lane work: see {@link Subscription}.)
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
    record Subscribe(Subscription subscription, Long since, String epoch) implements FanOutWork {
        @Override
        public String topic() {
            return subscription.topic();
        }
    }

    /** Events of this topic may have been missed (bus loss, a full queue, a membership change): catch up. */
    record Resync(String topic) implements FanOutWork {
    }

    /** Subscriptions of this topic ended: drop them from its channel, and the channel once it is empty. */
    record Prune(String topic) implements FanOutWork {
    }
}
