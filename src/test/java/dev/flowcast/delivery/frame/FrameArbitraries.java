package dev.flowcast.delivery.frame;

import dev.flowcast.event.Topic;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Generators shared by the frame property tests. */
final class FrameArbitraries {

    /** Looked up once: every {@code Json.*} call would look the provider up again. */
    static final JsonProvider JSON = JsonProvider.provider();

    static final String TOPIC_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:-";

    /** Characters that matter to a JSON parser, for mutations and near-JSON garbage. */
    static final String JSON_CHARS = "{}[]\":,.-+eE0123456789 \t\n\r\\/u\u0000\u00e9\ud800\udc00nulltruefalse";

    private FrameArbitraries() {
    }

    static Arbitrary<String> legalTopics() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars(TOPIC_CHARS).ofMinLength(1).ofMaxLength(20),
                Arbitraries.strings().withChars(TOPIC_CHARS).ofMinLength(1).ofMaxLength(Topic.MAX_LENGTH));
    }

    /** Any string at all: unicode, control chars, unpaired surrogates, JSON metacharacters. */
    static Arbitrary<String> anyStrings() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(40),
                Arbitraries.strings().withChars(JSON_CHARS).ofMaxLength(40),
                Arbitraries.strings().ascii().ofMaxLength(40),
                Arbitraries.strings().withCharRange('\u0000', '\u001f').ofMaxLength(5));
    }

    static Arbitrary<JsonValue> jsonValues() {
        return Arbitraries.recursive(FrameArbitraries::jsonScalars, FrameArbitraries::jsonContainers, 0, 3);
    }

    static Arbitrary<JsonValue> jsonScalars() {
        return Arbitraries.oneOf(
                anyStrings().map(JSON::createValue),
                Arbitraries.of("subscribe", "unsubscribe", "ping", "t", "a b").map(JSON::createValue),
                Arbitraries.longs().map(JSON::createValue),
                Arbitraries.doubles().map(d -> JSON.createValue(BigDecimal.valueOf(d))),
                Arbitraries.bigIntegers().between(new java.math.BigInteger("-1" + "0".repeat(30)),
                        new java.math.BigInteger("1" + "0".repeat(30))).map(JSON::createValue),
                Arbitraries.of(JsonValue.TRUE, JsonValue.FALSE, JsonValue.NULL));
    }

    private static Arbitrary<JsonValue> jsonContainers(Arbitrary<JsonValue> inner) {
        Arbitrary<String> keys = Arbitraries.oneOf(
                Arbitraries.of("type", "topic", "since", "epoch", "token"), anyStrings());
        Arbitrary<JsonValue> arrays = inner.list().ofMaxSize(3).map(items -> {
            JsonArrayBuilder builder = JSON.createArrayBuilder();
            items.forEach(builder::add);
            return builder.build();
        });
        Arbitrary<JsonValue> objects = Arbitraries.maps(keys, inner).ofMaxSize(4).map(FrameArbitraries::object);
        return Arbitraries.oneOf(inner, arrays, objects);
    }

    static JsonValue object(Map<String, JsonValue> fields) {
        JsonObjectBuilder builder = JSON.createObjectBuilder();
        fields.forEach(builder::add);
        return builder.build();
    }

    /** A valid frame and the text that encodes it, fields in random order, maybe with unknown extras. */
    record Sample(ClientFrame frame, List<Field> fields) {
        String text() {
            return render(fields);
        }
    }

    /** One top-level field as raw JSON text. */
    record Field(String key, String valueJson) {
    }

    static String render(List<Field> fields) {
        StringBuilder out = new StringBuilder("{");
        for (Field f : fields) {
            if (out.length() > 1) {
                out.append(',');
            }
            out.append(JSON.createValue(f.key()).toString()).append(':').append(f.valueJson());
        }
        return out.append('}').toString();
    }

    static Arbitrary<ClientFrame.Subscribe> subscribes() {
        return Combinators.combine(legalTopics(),
                Arbitraries.longs().greaterOrEqual(0).injectNull(0.3),
                anyStrings().injectNull(0.3),
                anyStrings().injectNull(0.5)).as(ClientFrame.Subscribe::new);
    }

    static Arbitrary<ClientFrame> validFrames() {
        return Arbitraries.oneOf(subscribes(),
                legalTopics().map(ClientFrame.Unsubscribe::new),
                Arbitraries.just(new ClientFrame.Ping()));
    }

    static Arbitrary<Sample> samples() {
        Arbitrary<List<Field>> extras = Combinators.combine(
                        Arbitraries.strings().alpha().ofMinLength(6).ofMaxLength(10), jsonValues())
                .as((k, v) -> new Field("x-" + k, v.toString())).list().ofMaxSize(2);
        return Combinators.combine(validFrames(), extras, Arbitraries.randoms())
                .as((frame, more, random) -> {
                    List<Field> fields = new ArrayList<>(fieldsOf(frame));
                    fields.addAll(more);
                    java.util.Collections.shuffle(fields, random);
                    return new Sample(frame, fields);
                });
    }

    static List<Field> fieldsOf(ClientFrame frame) {
        List<Field> fields = new ArrayList<>();
        if (frame instanceof ClientFrame.Subscribe s) {
            fields.add(new Field("type", "\"subscribe\""));
            fields.add(new Field("topic", JSON.createValue(s.topic()).toString()));
            if (s.since() != null) {
                fields.add(new Field("since", Long.toString(s.since())));
            }
            if (s.epoch() != null) {
                fields.add(new Field("epoch", JSON.createValue(s.epoch()).toString()));
            }
            if (s.token() != null) {
                fields.add(new Field("token", JSON.createValue(s.token()).toString()));
            }
        } else if (frame instanceof ClientFrame.Unsubscribe u) {
            fields.add(new Field("type", "\"unsubscribe\""));
            fields.add(new Field("topic", JSON.createValue(u.topic()).toString()));
        } else {
            fields.add(new Field("type", "\"ping\""));
        }
        return fields;
    }
}
