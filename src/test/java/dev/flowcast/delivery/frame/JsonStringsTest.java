package dev.flowcast.delivery.frame;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowcast.event.EventIds;
import jakarta.json.JsonString;
import java.io.StringReader;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/** The hand-written fast path of {@link JsonStrings} emits exactly what JSON-P emits. */
class JsonStringsTest {

    private static String jsonP(String s) {
        return FrameArbitraries.JSON.createValue(s).toString();
    }

    private static String parsedBack(String literal) {
        return ((JsonString) FrameArbitraries.JSON.createReader(new StringReader("[" + literal + "]"))
                .readArray().get(0)).getString();
    }

    @Test
    void shouldAgreeWithJsonPOnEveryChar() {
        for (int c = Character.MIN_VALUE; c <= Character.MAX_VALUE; c++) {
            String s = "a" + (char) c + "b";
            assertThat(JsonStrings.quote(s)).as("char U+%04X", c).isEqualTo(jsonP(s));
            // the fast path is taken exactly when JSON-P would not escape anything
            assertThat(JsonStrings.needsNoEscaping(s)).as("char U+%04X", c).isEqualTo(jsonP(s).equals('"' + s + '"'));
        }
    }

    @Property(tries = 3000)
    void shouldAgreeWithJsonPOnRandomStrings(@ForAll @StringLength(max = 200) String s) {
        assertThat(JsonStrings.quote(s)).isEqualTo(jsonP(s));
        assertThat(parsedBack(JsonStrings.quote(s))).isEqualTo(s);
    }

    @Property(tries = 1000)
    void shouldAgreeWithJsonPOnStringsFullOfControlChars(
            @ForAll @StringLength(max = 50) @CharRange(from = '\u0000', to = '\u0025') @Chars({'\\', '"', '/'})
            String s) {
        assertThat(JsonStrings.quote(s)).isEqualTo(jsonP(s)).doesNotContain("\n");
        assertThat(parsedBack(JsonStrings.quote(s))).isEqualTo(s);
    }

    @Property(tries = 500)
    void shouldTakeTheFastPathForLegalTopicsAndEventIds(
            @ForAll @StringLength(min = 1, max = 200) @Chars({'a', 'Z', '0', '9', '_', '.', ':', '-'}) String topic) {
        assertThat(JsonStrings.needsNoEscaping(topic)).isTrue();
        assertThat(JsonStrings.needsNoEscaping(EventIds.next())).isTrue();
    }
}
