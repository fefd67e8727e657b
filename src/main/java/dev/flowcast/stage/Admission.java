package dev.flowcast.stage;

/**
 * The answer a producer gets from {@link Stage#offer}: what happened to the item it offered.
 *
 * <p>Threading: an immutable enum, safe from any thread.
 */
public enum Admission {
    /** The item is queued; from now on it is handled, dropped by drop-oldest (and reported), or left over at drain. */
    ACCEPTED,
    /** The item was refused (full under reject/block, or the stage is draining); the caller still owns it. */
    REJECTED,
    /** The offered item itself was dropped by drop-newest; it was counted and passed to the {@link DropListener}. */
    DROPPED;

    /** True for {@link #ACCEPTED} only. */
    public boolean accepted() {
        return this == ACCEPTED;
    }
}
