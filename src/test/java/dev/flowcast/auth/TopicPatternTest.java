package dev.flowcast.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TopicPatternTest {

    @Test
    void shouldMatchExactNameOnly() {
        TopicPattern p = TopicPattern.parse("user:42");
        assertThat(p.matches("user:42")).isTrue();
        assertThat(p.matches("user:4")).isFalse();
        assertThat(p.matches("user:420")).isFalse();
        assertThat(p.matches("USER:42")).isFalse();
        assertThat(p.matches(null)).isFalse();
    }

    @Test
    void shouldMatchPrefixIncludingThePrefixItself() {
        TopicPattern p = TopicPattern.parse("prices:*");
        assertThat(p.matches("prices:EURUSD")).isTrue();
        assertThat(p.matches("prices:")).isTrue();
        assertThat(p.matches("prices")).isFalse();
        assertThat(p.matches("xprices:EURUSD")).isFalse();
        assertThat(p.matches(null)).isFalse();
    }

    @Test
    void shouldMatchEveryTopicWithStarAlone() {
        TopicPattern p = TopicPattern.parse("*");
        assertThat(p.matches("a")).isTrue();
        assertThat(p.matches("user:1")).isTrue();
        assertThat(p.matches(null)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "**", "*a", "a*b", "a**", "pri ces:*", " user:1", "user:1 ", "user/1",
            "t\u00e9", "a,b", "a\n"})
    void shouldRefuseInvalidPatterns(String pattern) {
        assertThatThrownBy(() -> TopicPattern.parse(pattern)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid topic pattern");
    }

    @Test
    void shouldRefuseNullAndOverlongPatterns() {
        assertThatThrownBy(() -> TopicPattern.parse(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TopicPattern.parse("a".repeat(201))).isInstanceOf(IllegalArgumentException.class);
        assertThat(TopicPattern.parse("a".repeat(200)).matches("a".repeat(200))).isTrue();
        assertThat(TopicPattern.parse("a".repeat(200) + "*").matches("a".repeat(200))).isTrue();
    }

    @Test
    void shouldEqualByText() {
        assertThat(TopicPattern.parse("a:*")).isEqualTo(TopicPattern.parse("a:*")).hasToString("a:*");
        assertThat(TopicPattern.parse("a:*")).isNotEqualTo(TopicPattern.parse("a:"));
    }

    @Test
    void shouldMatchWhenAnyPatternMatches() {
        TopicPatterns patterns = TopicPatterns.parse(List.of("user:1", "prices:*"));
        assertThat(patterns.matches("user:1")).isTrue();
        assertThat(patterns.matches("prices:X")).isTrue();
        assertThat(patterns.matches("user:2")).isFalse();
    }

    @Test
    void shouldMatchNothingWhenEmpty() {
        assertThat(TopicPatterns.none().matches("a")).isFalse();
        assertThat(TopicPatterns.none().isEmpty()).isTrue();
        assertThat(TopicPatterns.parse(List.of())).isEqualTo(TopicPatterns.none());
    }

    @Test
    void shouldParseCommaListTrimmingItemsAndSkippingBlanks() {
        TopicPatterns patterns = TopicPatterns.parseCommaList(" public:* ,news:*,, ");
        assertThat(patterns.patterns()).extracting(TopicPattern::toString).containsExactly("public:*", "news:*");
        assertThat(patterns).hasToString("public:*,news:*");
        assertThat(TopicPatterns.parseCommaList("")).isEqualTo(TopicPatterns.none());
        assertThat(TopicPatterns.parseCommaList(null)).isEqualTo(TopicPatterns.none());
        assertThat(TopicPatterns.parseCommaList(TopicPatterns.parseCommaList("a,b:*,*").toString()))
                .isEqualTo(TopicPatterns.parseCommaList("a,b:*,*"));
    }

    @Test
    void shouldRefuseCommaListWithAnInvalidItemNamingIt() {
        assertThatThrownBy(() -> TopicPatterns.parseCommaList("public:*, bad pattern"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad pattern");
        assertThatThrownBy(() -> TopicPatterns.parse(Arrays.asList("a", null)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Property(tries = 500)
    void shouldMatchAPrefixPatternExactlyWhenTheTopicStartsWithIt(
            @ForAll @StringLength(min = 1, max = 20) @Chars({'a', 'b', ':', '.'}) String prefix,
            @ForAll @StringLength(min = 1, max = 20) @Chars({'a', 'b', ':', '.'}) String topic) {
        assertThat(TopicPattern.parse(prefix + "*").matches(topic)).isEqualTo(topic.startsWith(prefix));
        assertThat(TopicPattern.parse(prefix).matches(topic)).isEqualTo(topic.equals(prefix));
    }
}
