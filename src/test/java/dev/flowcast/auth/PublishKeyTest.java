package dev.flowcast.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PublishKeyTest {

    static final String KEY = "it-publish-key-0123456789";
    final PublishKey key = new PublishKey(Optional.of(KEY));

    @Test
    void shouldAcceptTheRightKey() {
        assertThat(key.isConfigured()).isTrue();
        assertThat(key.accepts("Bearer " + KEY)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"bearer ", "BEARER ", "bEaReR ", "Bearer   ", " Bearer "})
    void shouldAcceptTheSchemeInAnyCaseAndSpacing(String prefix) {
        assertThat(key.accepts(prefix + KEY)).isTrue();
        assertThat(key.accepts(prefix + KEY + " ")).isTrue(); // trailing OWS is not part of the header value
    }

    @Test
    void shouldRefuseWrongKey() {
        assertThat(key.accepts("Bearer wrong-key")).isFalse();
        assertThat(key.accepts("Bearer " + KEY.toUpperCase())).isFalse();
    }

    @Test
    void shouldRefuseKeysOfAnotherLength() {
        assertThat(key.accepts("Bearer " + KEY.substring(0, KEY.length() - 1))).isFalse();
        assertThat(key.accepts("Bearer " + KEY + "0")).isFalse();
        assertThat(key.accepts("Bearer " + KEY + KEY)).isFalse();
        assertThat(key.accepts("Bearer x")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Basic ", "Token ", "Bearer:", "Bearer", "Bearer\t", "", "Bearerx "})
    void shouldRefuseOtherSchemes(String prefix) {
        assertThat(key.accepts(prefix + KEY)).isFalse();
    }

    @Test
    void shouldRefuseBareKeyAndEmptyCredentials() {
        assertThat(key.accepts(KEY)).isFalse();
        assertThat(key.accepts("Bearer")).isFalse();
        assertThat(key.accepts("Bearer ")).isFalse();
        assertThat(key.accepts("")).isFalse();
    }

    @Test
    void shouldRefuseMissingHeader() {
        assertThat(key.accepts(null)).isFalse();
    }

    @Test
    void shouldAcceptNothingWhenNoKeyIsConfigured() {
        PublishKey unset = new PublishKey(Optional.empty());
        assertThat(unset.isConfigured()).isFalse();
        assertThat(unset.accepts("Bearer " + KEY)).isFalse();
        assertThat(unset.accepts("Bearer ")).isFalse();
        assertThat(unset.accepts(null)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "has space", "tab\there", "line\nbreak", "  "})
    void shouldRefuseKeysNoClientCouldSend(String configured) {
        assertThatThrownBy(() -> new PublishKey(Optional.of(configured)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("flowcast.publish.key");
    }

    @Test
    void shouldNeverShowTheKey() {
        assertThat(key.toString()).doesNotContain(KEY);
    }
}
