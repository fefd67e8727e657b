package dev.flowcast.delivery.frame;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowcast.delivery.frame.FrameArbitraries.Field;
import dev.flowcast.delivery.frame.FrameArbitraries.Sample;
import dev.flowcast.event.Topic;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/** Throws random, near-JSON and mutated frames at the decoder: it must never throw and always answer sensibly. */
class ClientFrameDecoderFuzzTest {

    @Property(tries = 3000)
    void shouldNeverThrowOnRandomText(@ForAll("texts") String text) {
        assertSensibleOutcome(text);
    }

    @Property(tries = 2000)
    void shouldNeverThrowOnRandomJsonValues(@ForAll("jsonValues") JsonValue value) {
        assertSensibleOutcome(value.toString());
    }

    @Property(tries = 5000)
    void shouldNeverThrowOnCharMutatedFrames(@ForAll("charMutatedFrames") String text) {
        Statistics.collect(outcome(assertSensibleOutcome(text)));
        Statistics.coverage(covered -> {
            covered.check("ok").count(n -> n > 0);
            covered.check("bad_frame").count(n -> n > 0);
            covered.check("unknown_type").count(n -> n > 0);
            covered.check("bad_topic").count(n -> n > 0);
        });
    }

    @Property(tries = 5000)
    void shouldNeverThrowOnFieldMutatedFrames(@ForAll("fieldMutatedFrames") String text) {
        Decoded decoded = assertSensibleOutcome(text);
        Statistics.collect(outcome(decoded));
        Statistics.coverage(covered -> {
            covered.check("ok").count(n -> n > 0);
            covered.check("bad_frame").count(n -> n > 0);
            covered.check("unknown_type").count(n -> n > 0);
            covered.check("bad_topic").count(n -> n > 0);
        });
        if (decoded instanceof Decoded.Failed failed && failed.error().code() == ErrorCode.BAD_FRAME) {
            // field mutations keep the text JSON: refusals name the offending field or the type
            assertThat(failed.error().message()).contains("\"");
        }
    }

    @Property(tries = 2000)
    void shouldDecodeEveryValidFrameToItself(@ForAll("samples") Sample sample) {
        assertThat(ClientFrameDecoder.decode(sample.text())).isEqualTo(new Decoded.Ok(sample.frame()));
    }

    private static String outcome(Decoded decoded) {
        return decoded instanceof Decoded.Failed failed ? failed.error().code().wireName() : "ok";
    }

    // ---- the oracle ----------------------------------------------------------------------------------------

    static Decoded assertSensibleOutcome(String text) {
        Decoded decoded = ClientFrameDecoder.decode(text); // an exception here fails the property
        assertThat(decoded).isNotNull();
        if (decoded instanceof Decoded.Ok ok) {
            assertThat(ok.frame()).isNotNull();
            if (ok.frame() instanceof ClientFrame.Subscribe s) {
                assertThat(Topic.isValid(s.topic())).isTrue();
                assertThat(s.since() == null || s.since() >= 0).isTrue();
            }
        } else {
            FrameError error = ((Decoded.Failed) decoded).error();
            assertThat(error.code()).isNotNull();
            assertThat(error.message()).isNotBlank();
            if (error.topic() != null) {
                assertThat(error.topic().length()).isLessThanOrEqualTo(FrameError.MAX_ECHOED_TOPIC);
            }
            String frame = ServerFrames.error(error);
            assertThat(frame).doesNotContain("\n");
            JsonObject parsed = FrameArbitraries.JSON.createReader(new StringReader(frame)).readObject();
            assertThat(parsed.getString("code")).isEqualTo(error.code().wireName());
        }
        return decoded;
    }

    // ---- generators ----------------------------------------------------------------------------------------

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(300),
                Arbitraries.strings().withChars(FrameArbitraries.JSON_CHARS).ofMaxLength(200),
                Arbitraries.strings().withChars(FrameArbitraries.JSON_CHARS).ofMaxLength(100).map(s -> "{" + s + "}"),
                Arbitraries.strings().withChars(FrameArbitraries.JSON_CHARS).ofMaxLength(100)
                        .map(s -> "{\"type\":\"subscribe\",\"topic\":" + s + "}"));
    }

    @Provide
    Arbitrary<JsonValue> jsonValues() {
        return Arbitraries.oneOf(FrameArbitraries.jsonValues(),
                // objects that look like frames: known keys with values of any type
                Arbitraries.maps(Arbitraries.of("type", "topic", "since", "epoch", "token"),
                        Arbitraries.oneOf(FrameArbitraries.jsonValues(),
                                Arbitraries.of("subscribe", "unsubscribe", "ping", "t:1").map(FrameArbitraries.JSON::createValue)))
                        .ofMaxSize(5).map(FrameArbitraries::object));
    }

    @Provide
    Arbitrary<Sample> samples() {
        return FrameArbitraries.samples();
    }

    /** A char-level edit at a relative position. */
    record CharEdit(int kind, double where, char c) {
        String apply(String s) {
            if (s.isEmpty()) {
                return String.valueOf(c);
            }
            int i = Math.min(s.length() - 1, (int) (where * s.length()));
            return switch (kind) {
                case 0 -> s.substring(0, i) + s.substring(i + 1);                       // drop
                case 1 -> s.substring(0, i + 1) + s.charAt(i) + s.substring(i + 1);     // duplicate
                case 2 -> s.substring(0, i) + c + s.substring(i + 1);                   // flip
                case 3 -> s.substring(0, i) + c + s.substring(i);                       // insert
                case 4 -> i + 1 < s.length()                                            // swap neighbours
                        ? s.substring(0, i) + s.charAt(i + 1) + s.charAt(i) + s.substring(i + 2) : s;
                default -> s.substring(0, i);                                           // truncate
            };
        }
    }

    @Provide
    Arbitrary<String> charMutatedFrames() {
        Arbitrary<Character> chars = Arbitraries.oneOf(
                Arbitraries.of(FrameArbitraries.JSON_CHARS.toCharArray()), Arbitraries.chars());
        Arbitrary<CharEdit> edits = Combinators.combine(Arbitraries.integers().between(0, 5),
                Arbitraries.doubles().between(0, 1), chars).as(CharEdit::new);
        return Combinators.combine(FrameArbitraries.samples(), edits.list().ofMinSize(1).ofMaxSize(6))
                .as((sample, list) -> {
                    String text = sample.text();
                    for (CharEdit edit : list) {
                        text = edit.apply(text);
                    }
                    return text;
                });
    }

    /** A field-level edit: the text stays JSON (or nearly), the frame's shape breaks. */
    record FieldEdit(int kind, double where, double other, String json) {
        List<Field> apply(List<Field> fields) {
            List<Field> out = new ArrayList<>(fields);
            if (out.isEmpty()) {
                out.add(new Field("type", json));
                return out;
            }
            int i = Math.min(out.size() - 1, (int) (where * out.size()));
            int j = Math.min(out.size() - 1, (int) (other * out.size()));
            Field f = out.get(i);
            switch (kind) {
                case 0 -> out.set(i, new Field(f.key(), json));                                 // change type/value
                case 1 -> {                                                                     // swap values
                    Field g = out.get(j);
                    out.set(i, new Field(f.key(), g.valueJson()));
                    out.set(j, new Field(g.key(), f.valueJson()));
                }
                case 2 -> out.remove(i);                                                        // drop field
                case 3 -> out.add(j, f);                                                        // duplicate field
                case 4 -> out.add(j, new Field(f.key(), json));                                 // conflicting twin
                default -> out.set(i, new Field(f.key().toUpperCase(), f.valueJson()));         // rename key
            }
            return out;
        }
    }

    @Provide
    Arbitrary<String> fieldMutatedFrames() {
        Arbitrary<String> values = Arbitraries.oneOf(
                FrameArbitraries.jsonValues().map(JsonValue::toString),
                Arbitraries.of("-1", "1.5", "1e3", "9223372036854775808", "\"17\"", "null", "\"\"", "\"a b\"",
                        "\"subscribe\"", "\"ping\"", "\"unsubscribe\"", "[]", "{}", "0"));
        Arbitrary<FieldEdit> edits = Combinators.combine(Arbitraries.integers().between(0, 5),
                Arbitraries.doubles().between(0, 1), Arbitraries.doubles().between(0, 1), values)
                .as(FieldEdit::new);
        return Combinators.combine(FrameArbitraries.samples(), edits.list().ofMinSize(1).ofMaxSize(4))
                .as((sample, list) -> {
                    List<Field> fields = sample.fields();
                    for (FieldEdit edit : list) {
                        fields = edit.apply(fields);
                    }
                    return FrameArbitraries.render(fields);
                });
    }
}
