package dev.flowcast.event;

import java.util.regex.Pattern;

/**
 * Topic names as the contract defines them: {@code [A-Za-z0-9_.:-]{1,200}}.
 *
 * <p>Names are plain strings everywhere else (they are map keys on the hot path); this class is the one
 * place that says what a legal name is. Legal names never need JSON escaping, which the frame encoder relies on.
 */
public final class Topic {

    /** Longest legal topic name, in characters. */
    public static final int MAX_LENGTH = 200;

    private static final Pattern LEGAL = Pattern.compile("[A-Za-z0-9_.:-]{1," + MAX_LENGTH + "}");

    private Topic() {
    }

    /** True when {@code name} is a legal topic name. Null-safe. */
    public static boolean isValid(String name) {
        return name != null && name.length() <= MAX_LENGTH && LEGAL.matcher(name).matches();
    }

    /**
     * Returns {@code name} when it is legal.
     *
     * @throws IllegalArgumentException with a message fit for a client when it is not
     */
    public static String require(String name) {
        if (!isValid(name)) {
            throw new IllegalArgumentException(
                    "topic name must match [A-Za-z0-9_.:-]{1," + MAX_LENGTH + "}");
        }
        return name;
    }
}
