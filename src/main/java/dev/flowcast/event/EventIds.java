package dev.flowcast.event;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Event ids: 128 random bits as 32 lowercase hex digits.
 *
 * <p>Thread-safe and lock-free ({@link ThreadLocalRandom}); unique across the cluster with overwhelming
 * probability, with no coordination between members.
 */
public final class EventIds {

    private EventIds() {
    }

    /** A new id. Any thread. */
    public static String next() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return hex16(random.nextLong()) + hex16(random.nextLong());
    }

    private static String hex16(long bits) {
        String hex = Long.toHexString(bits);
        return hex.length() == 16 ? hex : "0".repeat(16 - hex.length()) + hex;
    }
}
