package dev.flowcast.auth;

import dev.flowcast.event.Topic;

/**
 * One topic pattern from a token's {@code topics} claim or {@code flowcast.auth.public-topics}; immutable and
 * thread-safe.
 *
 * <p>Three forms (contract §3): an exact legal topic name ({@code user:42}); a legal name followed by {@code *}
 * ({@code prices:*}), which matches every topic that starts with that prefix, the prefix itself included, since
 * {@code *} matches zero or more characters; and {@code *} alone, which matches every topic. A star anywhere but
 * at the end, two stars, whitespace, or any character outside {@code [A-Za-z0-9_.:-]} make a pattern invalid.
 */
public final class TopicPattern {

    private enum Kind { ALL, PREFIX, EXACT }

    private final Kind kind;
    private final String text;
    private final String name; // the exact name or the prefix; empty for ALL

    private TopicPattern(Kind kind, String text, String name) {
        this.kind = kind;
        this.text = text;
        this.name = name;
    }

    /**
     * Parses one pattern.
     *
     * @throws IllegalArgumentException with a message that names the pattern when it is not valid
     */
    public static TopicPattern parse(String pattern) {
        if (pattern == null) {
            throw new IllegalArgumentException("a topic pattern cannot be null");
        }
        if (pattern.equals("*")) {
            return new TopicPattern(Kind.ALL, pattern, "");
        }
        if (pattern.endsWith("*")) {
            String prefix = pattern.substring(0, pattern.length() - 1);
            if (Topic.isValid(prefix)) {
                return new TopicPattern(Kind.PREFIX, pattern, prefix);
            }
        } else if (Topic.isValid(pattern)) {
            return new TopicPattern(Kind.EXACT, pattern, pattern);
        }
        throw new IllegalArgumentException("invalid topic pattern '" + abbreviate(pattern)
                + "': use a topic name, a topic-name prefix ending in '*', or '*' alone");
    }

    /** True when {@code topic} matches; {@code null} matches nothing. */
    public boolean matches(String topic) {
        if (topic == null) {
            return false;
        }
        return switch (kind) {
            case ALL -> true;
            case PREFIX -> topic.startsWith(name);
            case EXACT -> topic.equals(name);
        };
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TopicPattern that && text.equals(that.text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    /** The pattern as written. */
    @Override
    public String toString() {
        return text;
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "…";
    }
}
