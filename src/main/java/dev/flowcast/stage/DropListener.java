package dev.flowcast.stage;

/**
 * Told of every item an overflow policy dropped, so that no drop is silent (the app turns it into a
 * {@code gap} for the topic and a metric).
 *
 * <p>Threading: called synchronously on the thread that offered the item which caused the drop (a producer
 * thread), possibly from several producers at once: implementations must be thread-safe and quick. An
 * exception thrown here is logged and ignored; the drop is counted either way.
 *
 * @param <T> item type
 */
@FunctionalInterface
public interface DropListener<T> {

    /**
     * @param item   the dropped item: the evicted oldest one under {@link OverflowPolicy#DROP_OLDEST},
     *               the offered one under {@link OverflowPolicy#DROP_NEWEST}
     * @param policy the policy that dropped it
     */
    void onDrop(T item, OverflowPolicy policy);
}
