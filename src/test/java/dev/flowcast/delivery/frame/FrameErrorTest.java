package dev.flowcast.delivery.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class FrameErrorTest {

    @Test
    void shouldKeepAShortTopicAsItIs() {
        assertThat(new FrameError(ErrorCode.UNAUTHORIZED, "No.", "user:2").topic()).isEqualTo("user:2");
        assertThat(FrameError.of(ErrorCode.BAD_FRAME, "No.").topic()).isNull();
    }

    @Test
    void shouldTruncateALongTopicWithoutSplittingASurrogatePair() {
        String topic = "a".repeat(FrameError.MAX_ECHOED_TOPIC - 1) + "\uD83D\uDE00" + "tail";
        assertThat(new FrameError(ErrorCode.BAD_TOPIC, "No.", topic).topic())
                .isEqualTo("a".repeat(FrameError.MAX_ECHOED_TOPIC - 1));
    }

    @Test
    void shouldReplaceUnpairedSurrogates() {
        assertThat(new FrameError(ErrorCode.BAD_TOPIC, "No.", "\uDC00x\uD800").topic()).isEqualTo("\uFFFDx\uFFFD");
        assertThat(new FrameError(ErrorCode.BAD_TOPIC, "No.", "\uD83D\uDE00").topic()).isEqualTo("\uD83D\uDE00");
    }

    @Test
    void shouldRequireCodeAndMessage() {
        assertThatThrownBy(() -> new FrameError(null, "No.", null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new FrameError(ErrorCode.BAD_FRAME, " ", null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FrameError(ErrorCode.BAD_FRAME, null, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldNameEveryCodeAsTheContractDoes() {
        assertThat(ErrorCode.values()).extracting(ErrorCode::wireName).containsExactly(
                "bad_frame", "unknown_type", "bad_topic", "unauthorized", "too_many_subscriptions", "rate_limited",
                "unavailable");
    }

    @Property(tries = 2000)
    void shouldAlwaysEchoAShortWellFormedString(@ForAll String topic) {
        String echoed = new FrameError(ErrorCode.BAD_TOPIC, "No.", topic).topic();
        assertThat(echoed.length()).isLessThanOrEqualTo(FrameError.MAX_ECHOED_TOPIC);
        for (int i = 0; i < echoed.length(); i++) {
            char c = echoed.charAt(i);
            if (Character.isHighSurrogate(c)) {
                assertThat(Character.isLowSurrogate(echoed.charAt(++i))).isTrue();
            } else {
                assertThat(Character.isLowSurrogate(c)).isFalse();
            }
        }
    }
}
