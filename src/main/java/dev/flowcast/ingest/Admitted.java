package dev.flowcast.ingest;

import dev.flowcast.event.Event;

/**
 * An event admitted into the ingest stage, with whom to tell once its fate is known.
 *
 * <p>In {@code memory} mode the publisher was answered at admission and {@code outcome} is {@link Outcome#NONE};
 * in {@code replicated} and {@code persistent} mode the publisher waits for it. Immutable.
 *
 * @param event   the unnumbered event
 * @param outcome told exactly once: numbered (and stored), dropped before numbering, or failed
 */
record Admitted(Event event, Outcome outcome) {

    /**
     * The publisher's side of an admitted event. Threading: called once per event, from a stage worker (numbered,
     * failed), a producer thread (dropped by drop-oldest) or the lifecycle thread (left over at drain).
     */
    interface Outcome {

        /** Nobody waits: {@code memory} mode, answered at admission. */
        Outcome NONE = new Outcome() {
            @Override
            public void numbered(Event event) {
            }

            @Override
            public void dropped(Event event) {
            }

            @Override
            public void failed(Event event, PublishError why) {
            }
        };

        /** The event has its seq and is held as the durability mode promises. */
        void numbered(Event event);

        /** An overflow policy evicted it before it was numbered: it will never be delivered. */
        void dropped(Event event);

        /** It could not be numbered or stored as promised: not accepted. */
        void failed(Event event, PublishError why);
    }
}
