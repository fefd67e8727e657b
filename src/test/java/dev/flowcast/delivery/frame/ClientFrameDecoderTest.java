package dev.flowcast.delivery.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.flowcast.delivery.frame.ClientFrame.Ping;
import dev.flowcast.delivery.frame.ClientFrame.Subscribe;
import dev.flowcast.delivery.frame.ClientFrame.Unsubscribe;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClientFrameDecoderTest {

    static ClientFrame ok(String text) {
        Decoded decoded = ClientFrameDecoder.decode(text);
        assertThat(decoded).as(text).isInstanceOf(Decoded.Ok.class);
        return ((Decoded.Ok) decoded).frame();
    }

    static FrameError failed(String text) {
        Decoded decoded = ClientFrameDecoder.decode(text);
        assertThat(decoded).as(text).isInstanceOf(Decoded.Failed.class);
        FrameError error = ((Decoded.Failed) decoded).error();
        assertThat(error.code()).isNotNull();
        assertThat(error.message()).isNotBlank().doesNotContain("Exception").doesNotContain("\tat ");
        return error;
    }

    @Nested
    class ValidFrames {

        @Test
        void shouldDecodeLiveSubscribe() {
            assertThat(ok("{\"type\":\"subscribe\",\"topic\":\"prices:EURUSD\"}"))
                    .isEqualTo(new Subscribe("prices:EURUSD", null, null, null));
        }

        @Test
        void shouldDecodeSubscribeWithSinceAndEpoch() {
            assertThat(ok("{\"type\":\"subscribe\",\"topic\":\"t\",\"since\":17,\"epoch\":\"e1\"}"))
                    .isEqualTo(new Subscribe("t", 17L, "e1", null));
        }

        @Test
        void shouldDecodeSubscribeWithToken() {
            assertThat(ok("{\"type\":\"subscribe\",\"topic\":\"user:42\",\"token\":\"a.b.c\"}"))
                    .isEqualTo(new Subscribe("user:42", null, null, "a.b.c"));
        }

        @Test
        void shouldDecodeSubscribeWithEveryField() {
            assertThat(ok("{\"token\":\"x\",\"epoch\":\"\",\"since\":0,\"topic\":\"a.b_c-d:e\",\"type\":\"subscribe\"}"))
                    .isEqualTo(new Subscribe("a.b_c-d:e", 0L, "", "x"));
        }

        @Test
        void shouldAcceptSinceUpToLongMax() {
            assertThat(ok("{\"type\":\"subscribe\",\"topic\":\"t\",\"since\":9223372036854775807}"))
                    .isEqualTo(new Subscribe("t", Long.MAX_VALUE, null, null));
        }

        @Test
        void shouldTreatNullOptionalFieldsAsAbsent() {
            assertThat(ok("{\"type\":\"subscribe\",\"topic\":\"t\",\"since\":null,\"epoch\":null,\"token\":null}"))
                    .isEqualTo(Subscribe.live("t"));
        }

        @Test
        void shouldDecodeUnsubscribe() {
            assertThat(ok("{\"type\":\"unsubscribe\",\"topic\":\"t\"}")).isEqualTo(new Unsubscribe("t"));
        }

        @Test
        void shouldDecodePing() {
            assertThat(ok("{\"type\":\"ping\"}")).isEqualTo(new Ping());
        }

        @Test
        void shouldIgnoreUnknownFieldsOfAnyShape() {
            assertThat(ok("{\"type\":\"subscribe\",\"v\":2,\"x\":{\"y\":[1,{\"z\":null}]},\"topic\":\"t\",\"f\":true}"))
                    .isEqualTo(Subscribe.live("t"));
        }

        @Test
        void shouldIgnoreFieldsAFrameTypeDoesNotUse() {
            assertThat(ok("{\"type\":\"ping\",\"topic\":42,\"since\":-1,\"since\":\"x\"}")).isEqualTo(new Ping());
            assertThat(ok("{\"type\":\"unsubscribe\",\"topic\":\"t\",\"since\":\"x\",\"token\":1}"))
                    .isEqualTo(new Unsubscribe("t"));
        }

        @Test
        void shouldIgnoreDuplicatesOfUnknownFields() {
            assertThat(ok("{\"type\":\"ping\",\"x\":1,\"x\":2}")).isEqualTo(new Ping());
        }

        @Test
        void shouldAcceptWhitespaceAroundAndInside() {
            assertThat(ok(" \r\n\t{ \"type\" :\n \"ping\" }\n ")).isEqualTo(new Ping());
        }

        @Test
        void shouldDecodeEscapedStrings() {
            assertThat(ok("{\"type\":\"subscr\\u0069be\",\"topic\":\"a\\u003ab\",\"epoch\":\"\\\"\\n\\/\"}"))
                    .isEqualTo(new Subscribe("a:b", null, "\"\n/", null));
        }

        @Test
        void shouldNotShowTheTokenInToString() {
            assertThat(new Subscribe("t", null, null, "secret.jwt.value").toString())
                    .doesNotContain("secret").contains("<redacted>");
        }
    }

    @Nested
    class BadFrame {

        @ParameterizedTest
        @ValueSource(strings = {"", " ", "\n", "nope", "{", "}", "{\"type\":\"ping\"", "{\"type\":\"ping\",}",
                "{'type':'ping'}", "{type:\"ping\"}", "{\"type\":\"ping\"}}", "{\"type\":\"ping\"} {}",
                "{\"type\":\"ping\"}x", "{\"type\":\"ping\"}\n{\"type\":\"ping\"}", "{\"type\":\"p\u0001ing\"}",
                "{\"type\":\"ping\",\"x\":01}", "{\"type\":\"ping\",\"x\":NaN}", "\uFEFF{\"type\":\"ping\"}"})
        void shouldRefuseTextThatIsNotOneJsonObject(String text) {
            FrameError error = failed(text);
            assertThat(error.code()).isEqualTo(ErrorCode.BAD_FRAME);
            assertThat(error.topic()).isNull();
        }

        @Test
        void shouldRefuseNull() {
            assertThat(failed(null).code()).isEqualTo(ErrorCode.BAD_FRAME);
        }

        @ParameterizedTest
        @ValueSource(strings = {"[]", "[{\"type\":\"ping\"}]", "\"ping\"", "42", "true", "null", "1e5"})
        void shouldRefuseJsonThatIsNotAnObject(String text) {
            FrameError error = failed(text);
            assertThat(error.code()).isEqualTo(ErrorCode.BAD_FRAME);
            assertThat(error.message()).contains("object");
        }

        @ParameterizedTest
        @ValueSource(strings = {"{}", "{\"topic\":\"t\"}", "{\"type\":null,\"topic\":\"t\"}", "{\"Type\":\"ping\"}"})
        void shouldRefuseMissingType(String text) {
            FrameError error = failed(text);
            assertThat(error.code()).isEqualTo(ErrorCode.BAD_FRAME);
            assertThat(error.message()).contains("\"type\"");
        }

        @ParameterizedTest
        @ValueSource(strings = {"1", "true", "{}", "[\"ping\"]"})
        void shouldRefuseTypeThatIsNotAString(String value) {
            FrameError error = failed("{\"type\":" + value + ",\"topic\":\"t\"}");
            assertThat(error.code()).isEqualTo(ErrorCode.BAD_FRAME);
            assertThat(error.message()).contains("\"type\"").contains("string");
            assertThat(error.topic()).isEqualTo("t");
        }

        @Test
        void shouldRefuseDuplicateType() {
            FrameError error = failed("{\"type\":\"ping\",\"type\":\"subscribe\",\"topic\":\"t\"}");
            assertThat(error.code()).isEqualTo(ErrorCode.BAD_FRAME);
            assertThat(error.message()).contains("more than once");
        }

        @ParameterizedTest
        @ValueSource(strings = {"subscribe", "unsubscribe"})
        void shouldRefuseMissingTopic(String type) {
            FrameError error = failed("{\"type\":\"" + type + "\"}");
            assertThat(error.code()).isEqualTo(ErrorCode.BAD_FRAME);
            assertThat(error.message()).contains("\"topic\"");
            assertThat(error.topic()).isNull();
            assertThat(failed("{\"type\":\"" + type + "\",\"topic\":null}").code()).isEqualTo(ErrorCode.BAD_FRAME);
        }

        @ParameterizedTest
        @ValueSource(strings = {"1", "false", "{\"name\":\"t\"}", "[\"t\"]"})
        void shouldRefuseTopicThatIsNotAString(String value) {
            FrameError error = failed("{\"type\":\"subscribe\",\"topic\":" + value + "}");
            assertThat(error.code()).isEqualTo(ErrorCode.BAD_FRAME);
            assertThat(error.message()).contains("\"topic\"").contains("string");
            assertThat(error.topic()).isNull();
        }

        @Test
        void shouldRefuseDuplicateTopicWithoutEchoingEither() {
            FrameError error = failed("{\"type\":\"subscribe\",\"topic\":\"a\",\"topic\":\"b\"}");
            assertThat(error.code()).isEqualTo(ErrorCode.BAD_FRAME);
            assertThat(error.topic()).isNull();
        }

        @ParameterizedTest
        @ValueSource(strings = {"-1", "1.5", "1.0", "1e3", "1E3", "0.0", "-0.5", "9223372036854775808",
                "123456789012345678901234567890", "\"17\"", "true", "[17]", "{}", "-9223372036854775808"})
        void shouldRefuseSinceThatIsNotANonNegativeLong(String value) {
            FrameError error = failed("{\"type\":\"subscribe\",\"topic\":\"t\",\"since\":" + value + "}");
            assertThat(error.code()).isEqualTo(ErrorCode.BAD_FRAME);
            assertThat(error.message()).contains("\"since\"");
            assertThat(error.topic()).isEqualTo("t");
        }

        @Test
        void shouldRefuseHugeExponentCheaply() {
            FrameError error = failed("{\"type\":\"subscribe\",\"topic\":\"t\",\"since\":1e999999999}");
            assertThat(error.code()).isEqualTo(ErrorCode.BAD_FRAME);
        }

        @ParameterizedTest
        @ValueSource(strings = {"1", "true", "{}", "[]"})
        void shouldRefuseEpochThatIsNotAString(String value) {
            FrameError error = failed("{\"type\":\"subscribe\",\"topic\":\"t\",\"since\":1,\"epoch\":" + value + "}");
            assertThat(error.code()).isEqualTo(ErrorCode.BAD_FRAME);
            assertThat(error.message()).contains("\"epoch\"");
            assertThat(error.topic()).isEqualTo("t");
        }

        @ParameterizedTest
        @ValueSource(strings = {"1", "false", "{\"jwt\":\"x\"}", "[\"x\"]"})
        void shouldRefuseTokenThatIsNotAString(String value) {
            FrameError error = failed("{\"type\":\"subscribe\",\"topic\":\"t\",\"token\":" + value + "}");
            assertThat(error.code()).isEqualTo(ErrorCode.BAD_FRAME);
            assertThat(error.message()).contains("\"token\"");
            assertThat(error.topic()).isEqualTo("t");
        }

        @ParameterizedTest
        @ValueSource(strings = {"since", "epoch", "token"})
        void shouldRefuseDuplicateSubscribeFields(String field) {
            FrameError error = failed("{\"type\":\"subscribe\",\"topic\":\"t\",\"" + field + "\":null,\""
                    + field + "\":null}");
            assertThat(error.code()).isEqualTo(ErrorCode.BAD_FRAME);
            assertThat(error.message()).contains("\"" + field + "\"").contains("more than once");
            assertThat(error.topic()).isEqualTo("t");
        }
    }

    @Nested
    class UnknownType {

        @ParameterizedTest
        @ValueSource(strings = {"publish", "Subscribe", "PING", "", " ping", "subscribe ", "sub"})
        void shouldRefuseUnknownType(String type) {
            FrameError error = failed("{\"type\":\"" + type + "\"}");
            assertThat(error.code()).isEqualTo(ErrorCode.UNKNOWN_TYPE);
            assertThat(error.message()).contains("subscribe");
            assertThat(error.topic()).isNull();
        }

        @Test
        void shouldEchoTheTopicOfAnUnknownType() {
            FrameError error = failed("{\"type\":\"join\",\"topic\":\"room:1\"}");
            assertThat(error.code()).isEqualTo(ErrorCode.UNKNOWN_TYPE);
            assertThat(error.topic()).isEqualTo("room:1");
        }
    }

    @Nested
    class BadTopic {

        @ParameterizedTest
        @ValueSource(strings = {"", " ", "a b", "a/b", "t\u00e9", "a*", "*", "x\\\"y", "\\n", "\\u0000"})
        void shouldRefuseIllegalTopicNames(String topic) {
            for (String type : new String[] {"subscribe", "unsubscribe"}) {
                FrameError error = failed("{\"type\":\"" + type + "\",\"topic\":\"" + topic + "\"}");
                assertThat(error.code()).isEqualTo(ErrorCode.BAD_TOPIC);
                assertThat(error.message()).contains("[A-Za-z0-9_.:-]");
                assertThat(error.topic()).isNotNull();
            }
        }

        @Test
        void shouldEchoTheIllegalTopicAsSent() {
            FrameError error = failed("{\"type\":\"subscribe\",\"topic\":\"a\\\"b\\n<script>\"}");
            assertThat(error.topic()).isEqualTo("a\"b\n<script>");
            // and the encoder escapes it: the error frame is one line of valid JSON
            assertThat(ServerFrames.error(error)).doesNotContain("\n").contains("a\\\"b\\n<script>");
        }

        @Test
        void shouldRefuseTopicOneCharTooLongAndEchoItTruncated() {
            String legal = "a".repeat(200);
            assertThat(ok("{\"type\":\"subscribe\",\"topic\":\"" + legal + "\"}")).isEqualTo(Subscribe.live(legal));
            FrameError error = failed("{\"type\":\"subscribe\",\"topic\":\"" + legal + "b\"}");
            assertThat(error.code()).isEqualTo(ErrorCode.BAD_TOPIC);
            assertThat(error.topic()).isEqualTo(legal);
        }

        @Test
        void shouldEchoAHugeTopicTruncatedToTheLimit() {
            FrameError error = failed("{\"type\":\"subscribe\",\"topic\":\"" + "x/".repeat(30_000) + "\"}");
            assertThat(error.code()).isEqualTo(ErrorCode.BAD_TOPIC);
            assertThat(error.topic()).hasSize(FrameError.MAX_ECHOED_TOPIC);
        }

        @Test
        void shouldPreferBadTopicOverBadSince() {
            assertThat(failed("{\"type\":\"subscribe\",\"topic\":\"a b\",\"since\":-1}").code())
                    .isEqualTo(ErrorCode.BAD_TOPIC);
        }
    }

    @Nested
    class Hostile {

        @Test
        void shouldRefuseTopLevelArrayNested100kDeepWithoutThrowing() {
            String text = "[".repeat(100_000) + "]".repeat(100_000);
            assertThatCode(() -> failed(text)).doesNotThrowAnyException();
            assertThat(failed(text).code()).isEqualTo(ErrorCode.BAD_FRAME);
        }

        @Test
        void shouldRefuseUnclosedNesting100kDeep() {
            assertThat(failed("[".repeat(100_000)).code()).isEqualTo(ErrorCode.BAD_FRAME);
            assertThat(failed("{\"type\":\"ping\",\"x\":" + "[".repeat(100_000)).code())
                    .isEqualTo(ErrorCode.BAD_FRAME);
        }

        @Test
        void shouldRefuseDeepNestingInsideAField() {
            String arrays = "{\"type\":\"ping\",\"x\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
            String objects = "{\"type\":\"ping\",\"x\":" + "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_001);
            for (String text : new String[] {arrays, objects}) {
                FrameError error = failed(text);
                assertThat(error.code()).isEqualTo(ErrorCode.BAD_FRAME);
                assertThat(error.message()).contains("nested");
            }
        }

        @Test
        void shouldAcceptNestingUpToTheLimit() {
            int inner = ClientFrameDecoder.MAX_NESTING - 1; // the frame object is level 1
            assertThat(ok("{\"type\":\"ping\",\"x\":" + "[".repeat(inner) + "]".repeat(inner) + "}"))
                    .isEqualTo(new Ping());
            assertThat(failed("{\"type\":\"ping\",\"x\":" + "[".repeat(inner + 1) + "]".repeat(inner + 1) + "}")
                    .code()).isEqualTo(ErrorCode.BAD_FRAME);
        }

        @Test
        void shouldRefuse64KibOfGarbage() {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            char[] garbage = new char[64 * 1024];
            for (int i = 0; i < garbage.length; i++) {
                garbage[i] = (char) random.nextInt(Character.MAX_VALUE + 1);
            }
            assertThat(failed(new String(garbage)).code()).isEqualTo(ErrorCode.BAD_FRAME);
            garbage[0] = '{';
            assertThat(failed(new String(garbage)).code()).isEqualTo(ErrorCode.BAD_FRAME);
        }

        @Test
        void shouldHandle64KibFramesOfValidJson() {
            String padding = "x".repeat(64 * 1024);
            assertThat(ok("{\"type\":\"subscribe\",\"topic\":\"t\",\"pad\":\"" + padding + "\"}"))
                    .isEqualTo(Subscribe.live("t"));
            assertThat(failed("{\"type\":\"subscribe\",\"topic\":\"t\",\"since\":" + "9".repeat(64 * 1024) + "}")
                    .code()).isEqualTo(ErrorCode.BAD_FRAME);
            assertThat(failed("{\"type\":\"subscribe\",\"topic\":\"" + padding + "\"}").code())
                    .isEqualTo(ErrorCode.BAD_TOPIC);
        }

        @Test
        void shouldReplaceUnpairedSurrogatesInTheEchoedTopic() {
            FrameError error = failed("{\"type\":\"subscribe\",\"topic\":\"a\\ud800b\"}");
            assertThat(error.topic()).isEqualTo("a\uFFFDb");
        }
    }
}
