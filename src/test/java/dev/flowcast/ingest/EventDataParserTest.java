package dev.flowcast.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventDataParserTest {

    private final EventDataParser parser = new EventDataParser(64);

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldRewritePrettyJsonCompact_withoutLineBreaks() {
        assertThat(parser.parse(utf8("{\n  \"a\" : [1, 2],\n  \"b\" : \"x\\ny\"\n}")))
                .isEqualTo("{\"a\":[1,2],\"b\":\"x\\ny\"}")
                .doesNotContain("\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"42", "\"text\"", "true", "null", "[]", "{}", "-1.5e3"})
    void shouldAcceptAnyJsonValue(String json) {
        assertThat(parser.parse(utf8(json))).isNotBlank();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{", "{\"a\":}", "nope", "{} {}", "[1,]", "'single'"})
    void shouldRefuseWhatIsNotOneJsonValue_with400(String body) {
        assertThatThrownBy(() -> parser.parse(utf8(body)))
                .isInstanceOfSatisfying(PublishError.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.code()).isEqualTo("bad_json");
                });
    }

    @Test
    void shouldRefuseInvalidUtf8_with400() {
        assertThatThrownBy(() -> parser.parse(new byte[] {'"', (byte) 0xC3, (byte) 0x28, '"'}))
                .isInstanceOfSatisfying(PublishError.class, e -> assertThat(e.code()).isEqualTo("bad_encoding"));
    }

    @Test
    void shouldRefuseAnEmptyBody_with400() {
        assertThatThrownBy(() -> parser.parse(new byte[0]))
                .isInstanceOfSatisfying(PublishError.class, e -> assertThat(e.status()).isEqualTo(400));
    }

    @Test
    void shouldRefuseABodyOverMaxBytes_with413() {
        assertThatThrownBy(() -> parser.parse(utf8("\"" + "x".repeat(64) + "\"")))
                .isInstanceOfSatisfying(PublishError.class, e -> assertThat(e.status()).isEqualTo(413));
    }

    @Test
    void shouldAcceptNestingUpToTheLimit_andRefuseDeeper() {
        int max = EventDataParser.MAX_DEPTH;
        EventDataParser big = new EventDataParser(1_000);
        assertThat(big.parse(utf8("[".repeat(max) + "]".repeat(max)))).isEqualTo("[".repeat(max) + "]".repeat(max));
        assertThatThrownBy(() -> big.parse(utf8("[".repeat(max + 1) + "]".repeat(max + 1))))
                .isInstanceOfSatisfying(PublishError.class, e -> assertThat(e.getMessage()).contains("nests deeper"));
    }

    @Test
    void shouldKeepNumbersAndStringsExactly() {
        EventDataParser big = new EventDataParser(1_000);
        assertThat(big.parse(utf8("{\"big\": 123456789012345678901234567890, \"f\": 1.50, \"s\": \"é\\u0000\\\"\"}")))
                .isEqualTo("{\"big\":123456789012345678901234567890,\"f\":1.50,\"s\":\"é\\u0000\\\"\"}");
    }

    @Test
    void shouldRefuseDeepNesting_asBadJson_notAStackOverflow() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        EventDataParser big = new EventDataParser(1_000_000);
        assertThatThrownBy(() -> big.parse(utf8(deep))).isInstanceOf(PublishError.class);
    }
}
