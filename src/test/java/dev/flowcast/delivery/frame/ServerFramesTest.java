package dev.flowcast.delivery.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowcast.event.Event;
import dev.flowcast.event.EventIds;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ServerFramesTest {

    static JsonObject parse(String frame) {
        assertThat(frame).doesNotContain("\n");
        return FrameArbitraries.JSON.createReader(new StringReader(frame)).readObject();
    }

    @Nested
    class ExactText {

        @Test
        void shouldEncodeSubscribed() {
            assertThat(ServerFrames.subscribed("t", 0, "e1"))
                    .isEqualTo("{\"type\":\"subscribed\",\"topic\":\"t\",\"seq\":0,\"epoch\":\"e1\"}");
        }

        @Test
        void shouldEncodeUnsubscribed() {
            assertThat(ServerFrames.unsubscribed("t")).isEqualTo("{\"type\":\"unsubscribed\",\"topic\":\"t\"}");
        }

        @Test
        void shouldEncodeEventWithRawData() {
            Event e = new Event("abc", "prices:EURUSD", "{\"bid\":1.08,\"tags\":[\"a\"]}", 1_700_000_000_000_123L, 17);
            assertThat(ServerFrames.event(e)).isEqualTo("{\"type\":\"event\",\"topic\":\"prices:EURUSD\",\"seq\":17,"
                    + "\"id\":\"abc\",\"data\":{\"bid\":1.08,\"tags\":[\"a\"]},\"ts\":1700000000000123}");
        }

        @Test
        void shouldEncodeGap() {
            assertThat(ServerFrames.gap("t", 3, 9)).isEqualTo("{\"type\":\"gap\",\"topic\":\"t\",\"from\":3,\"to\":9}");
            assertThat(ServerFrames.gap("t", 5, 5)).isEqualTo("{\"type\":\"gap\",\"topic\":\"t\",\"from\":5,\"to\":5}");
        }

        @Test
        void shouldEncodeErrorWithAndWithoutTopic() {
            assertThat(ServerFrames.error(new FrameError(ErrorCode.UNAUTHORIZED, "Token expired.", "user:2")))
                    .isEqualTo("{\"type\":\"error\",\"code\":\"unauthorized\",\"message\":\"Token expired.\","
                            + "\"topic\":\"user:2\"}");
            assertThat(ServerFrames.error(FrameError.of(ErrorCode.BAD_FRAME, "Not JSON.")))
                    .isEqualTo("{\"type\":\"error\",\"code\":\"bad_frame\",\"message\":\"Not JSON.\"}");
        }

        @Test
        void shouldEscapeUserControlledTextInErrors() {
            String frame = ServerFrames.error(new FrameError(ErrorCode.BAD_TOPIC, "Bad \"name\"\n", "a\"}\n{\"x"));
            assertThat(parse(frame).getString("topic")).isEqualTo("a\"}\n{\"x");
            assertThat(parse(frame).getString("message")).isEqualTo("Bad \"name\"\n");
        }

        @Test
        void shouldEncodePong() {
            assertThat(ServerFrames.pong()).isEqualTo("{\"type\":\"pong\"}");
        }

        @Test
        void shouldKeepAnEventOnOneLineWhenDataHasRawLineBreaks() {
            Event e = new Event("i", "t", "{\n  \"a\": 1\r\n}", 1, 1);
            assertThat(parse(ServerFrames.event(e)).getJsonObject("data").getInt("a")).isEqualTo(1);
        }
    }

    @Nested
    class RefusedArguments {

        @Test
        void shouldRefuseUnsequencedEvent() {
            assertThatThrownBy(() -> ServerFrames.event(Event.accepted("i", "t", "1", 1)))
                    .isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void shouldRefuseEventWithEmptyData() {
            assertThatThrownBy(() -> ServerFrames.event(new Event("i", "t", "", 1, 1)))
                    .isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void shouldRefuseEmptyOrBackwardGap() {
            assertThatThrownBy(() -> ServerFrames.gap("t", 0, 3)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> ServerFrames.gap("t", 4, 3)).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void shouldRefuseNegativeSeqInSubscribed() {
            assertThatThrownBy(() -> ServerFrames.subscribed("t", -1, "e"))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    // ---- properties: one line, valid JSON, fields round-trip ----------------------------------------------

    @Property(tries = 1000)
    void shouldRoundTripEvents(@ForAll("topics") String topic, @ForAll("ids") String id,
                               @ForAll("data") JsonValue data, @ForAll @LongRange(min = 1) long seq,
                               @ForAll long ts) {
        String frame = ServerFrames.event(new Event(id, topic, data.toString(), ts, seq));
        JsonObject parsed = parse(frame);
        assertThat(parsed.keySet()).containsExactly("type", "topic", "seq", "id", "data", "ts");
        assertThat(parsed.getString("type")).isEqualTo("event");
        assertThat(parsed.getString("topic")).isEqualTo(topic);
        assertThat(parsed.getJsonNumber("seq").longValueExact()).isEqualTo(seq);
        assertThat(parsed.getString("id")).isEqualTo(id);
        assertThat(parsed.get("data")).isEqualTo(data);
        assertThat(parsed.getJsonNumber("ts").longValueExact()).isEqualTo(ts);
        // the same object as JSON-P builds it
        assertThat(parsed).isEqualTo(FrameArbitraries.JSON.createObjectBuilder().add("type", "event")
                .add("topic", topic).add("seq", seq).add("id", id).add("data", data).add("ts", ts).build());
    }

    @Property(tries = 1000)
    void shouldRoundTripSubscribedAndUnsubscribed(@ForAll("topics") String topic,
                                                 @ForAll @LongRange(min = 0) long seq, @ForAll("anyStrings") String epoch) {
        JsonObject subscribed = parse(ServerFrames.subscribed(topic, seq, epoch));
        assertThat(subscribed.keySet()).containsExactly("type", "topic", "seq", "epoch");
        assertThat(subscribed.getString("type")).isEqualTo("subscribed");
        assertThat(subscribed.getString("topic")).isEqualTo(topic);
        assertThat(subscribed.getJsonNumber("seq").longValueExact()).isEqualTo(seq);
        assertThat(subscribed.getString("epoch")).isEqualTo(epoch);

        JsonObject unsubscribed = parse(ServerFrames.unsubscribed(topic));
        assertThat(unsubscribed.keySet()).containsExactly("type", "topic");
        assertThat(unsubscribed.getString("topic")).isEqualTo(topic);
    }

    @Property(tries = 1000)
    void shouldRoundTripGaps(@ForAll("topics") String topic, @ForAll @LongRange(min = 1) long from,
                             @ForAll @LongRange(min = 0) long length) {
        long to = from + Math.min(length, Long.MAX_VALUE - from);
        JsonObject gap = parse(ServerFrames.gap(topic, from, to));
        assertThat(gap.keySet()).containsExactly("type", "topic", "from", "to");
        assertThat(gap.getString("topic")).isEqualTo(topic);
        assertThat(gap.getJsonNumber("from").longValueExact()).isEqualTo(from);
        assertThat(gap.getJsonNumber("to").longValueExact()).isEqualTo(to);
    }

    @Property(tries = 2000)
    void shouldRoundTripErrors(@ForAll ErrorCode code, @ForAll("messages") String message,
                               @ForAll("topicOrNull") String topic) {
        FrameError error = new FrameError(code, message, topic);
        JsonObject parsed = parse(ServerFrames.error(error));
        assertThat(parsed.getString("type")).isEqualTo("error");
        assertThat(parsed.getString("code")).isEqualTo(code.wireName());
        assertThat(parsed.getString("message")).isEqualTo(message);
        if (topic == null) {
            assertThat(parsed.keySet()).isEqualTo(Set.of("type", "code", "message"));
        } else {
            assertThat(parsed.getString("topic")).isEqualTo(error.topic());
        }
    }

    @Test
    void shouldEncodePongAsValidJson() {
        assertThat(parse(ServerFrames.pong()).getString("type")).isEqualTo("pong");
    }

    /**
     * Messages FrameError accepts. Filtered with String.isBlank itself: jqwik's @NotBlank trims only chars up to
     * U+0020, so it let through strings of other whitespace (e.g. U+2003) that isBlank refuses (a flaky failure).
     */
    @Provide
    Arbitrary<String> messages() {
        return FrameArbitraries.anyStrings().filter(s -> !s.isBlank());
    }

    @Provide
    Arbitrary<String> topics() {
        return FrameArbitraries.legalTopics();
    }

    @Provide
    Arbitrary<String> ids() {
        return Arbitraries.oneOf(Arbitraries.create(EventIds::next), FrameArbitraries.anyStrings());
    }

    @Provide
    Arbitrary<String> anyStrings() {
        return FrameArbitraries.anyStrings();
    }

    @Provide
    Arbitrary<String> topicOrNull() {
        return Arbitraries.oneOf(FrameArbitraries.legalTopics(), FrameArbitraries.anyStrings(),
                Arbitraries.strings().ofMinLength(190).ofMaxLength(400)).injectNull(0.2);
    }

    @Provide
    Arbitrary<JsonValue> data() {
        return FrameArbitraries.jsonValues();
    }
}
