package dev.flowcast.auth;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A set of {@link TopicPattern}s that matches a topic when any one of them does; immutable and thread-safe.
 */
public final class TopicPatterns {

    private static final TopicPatterns NONE = new TopicPatterns(List.of());

    private final List<TopicPattern> patterns;

    private TopicPatterns(List<TopicPattern> patterns) {
        this.patterns = List.copyOf(patterns);
    }

    /** Matches no topic. */
    public static TopicPatterns none() {
        return NONE;
    }

    /**
     * Parses every pattern; all must be valid.
     *
     * @throws IllegalArgumentException naming the first invalid pattern
     */
    public static TopicPatterns parse(Collection<String> patterns) {
        if (patterns == null) {
            throw new IllegalArgumentException("topic patterns cannot be null");
        }
        List<TopicPattern> parsed = new ArrayList<>(patterns.size());
        for (String pattern : patterns) {
            parsed.add(TopicPattern.parse(pattern));
        }
        return parsed.isEmpty() ? NONE : new TopicPatterns(parsed);
    }

    /**
     * Parses a comma-separated setting such as {@code "public:*, news:*"}: items are trimmed and empty items
     * skipped, so {@code ""} (and {@code null}) mean no pattern at all.
     *
     * @throws IllegalArgumentException naming the first invalid pattern
     */
    public static TopicPatterns parseCommaList(String commaList) {
        if (commaList == null || commaList.isBlank()) {
            return NONE;
        }
        List<String> items = new ArrayList<>();
        for (String item : commaList.split(",", -1)) {
            if (!item.isBlank()) {
                items.add(item.strip());
            }
        }
        return parse(items);
    }

    /** True when any pattern matches {@code topic}. */
    public boolean matches(String topic) {
        for (TopicPattern pattern : patterns) {
            if (pattern.matches(topic)) {
                return true;
            }
        }
        return false;
    }

    /** True when no pattern is held, so nothing matches. */
    public boolean isEmpty() {
        return patterns.isEmpty();
    }

    /** The patterns, in the order given. */
    public List<TopicPattern> patterns() {
        return patterns;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TopicPatterns that && patterns.equals(that.patterns);
    }

    @Override
    public int hashCode() {
        return patterns.hashCode();
    }

    /** The patterns as a comma list, the form {@link #parseCommaList} reads. */
    @Override
    public String toString() {
        return patterns.stream().map(TopicPattern::toString).collect(Collectors.joining(","));
    }
}
