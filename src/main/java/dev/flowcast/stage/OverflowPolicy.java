package dev.flowcast.stage;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a full stage does with one more offered item: the named answer to "who pays" for a bound.
 *
 * <p>Threading: an immutable enum, safe from any thread. The setting names are those of
 * {@code flowcast.queue.overflow} in CONTRACT.md.
 */
public enum OverflowPolicy {
    /** The caller is told at once: {@link Admission#REJECTED} (the publisher gets 429). */
    REJECT("reject"),
    /** The caller waits up to the stage's offer timeout for room, then gets {@link Admission#REJECTED}. */
    BLOCK("block"),
    /** The oldest queued item is evicted (counted, passed to the {@link DropListener}) and the new one accepted. */
    DROP_OLDEST("drop-oldest"),
    /** The offered item itself is dropped (counted, passed to the {@link DropListener}): {@link Admission#DROPPED}. */
    DROP_NEWEST("drop-newest");

    private final String settingName;

    OverflowPolicy(String settingName) {
        this.settingName = settingName;
    }

    /**
     * Parses a {@code flowcast.queue.overflow} value, case-insensitively.
     *
     * @throws IllegalArgumentException naming the legal values when {@code s} is none of them (or null)
     */
    public static OverflowPolicy fromSetting(String s) {
        if (s != null) {
            String wanted = s.trim().toLowerCase(Locale.ROOT);
            for (OverflowPolicy p : values()) {
                if (p.settingName.equals(wanted)) {
                    return p;
                }
            }
        }
        throw new IllegalArgumentException("unknown overflow policy '" + s + "'; legal values: "
                + Arrays.stream(values()).map(OverflowPolicy::settingName).collect(Collectors.joining(", ")));
    }

    /** The value as written in the settings, e.g. {@code drop-oldest}. */
    public String settingName() {
        return settingName;
    }

    /** True for the two policies that discard an item instead of refusing the caller. */
    public boolean drops() {
        return this == DROP_OLDEST || this == DROP_NEWEST;
    }
}
