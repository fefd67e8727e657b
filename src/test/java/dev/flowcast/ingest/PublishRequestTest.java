package dev.flowcast.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the publish servlet takes from a request before the ingest sees it: the topic of the path, the media type,
 * the body within its limit.
 */
class PublishRequestTest {

    @Test
    void theTopicIsThePathSegmentBeforeEvents() {
        assertThat(PublishServlet.topicOf("/orders:eu.1/events")).isEqualTo("orders:eu.1");
        // validated later, after the body (contract order): a bad name still comes out here
        assertThat(PublishServlet.topicOf("/bad topic/events")).isEqualTo("bad topic");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/events", "/", "/a/b/events", "/a/events/", "/a/other", "/a"})
    void otherPathsAreNotFound(String pathInfo) {
        assertThat(PublishServlet.topicOf(pathInfo)).isNull();
    }

    @Test
    void noPathIsNotFound() {
        assertThat(PublishServlet.topicOf(null)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json", "Application/JSON", "application/json; charset=UTF-8",
            "application/json;charset=\"utf-8\"", "application/json; foo=bar"})
    void jsonInUtf8IsTaken(String contentType) {
        assertThat(RequestBodies.isJsonInUtf8(contentType)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/jsonx", "application/json; charset=ISO-8859-1", "", "json",
            "application/x-www-form-urlencoded"})
    void anythingElseIsRefused(String contentType) {
        assertThat(RequestBodies.isJsonInUtf8(contentType)).isFalse();
    }

    @Test
    void noContentTypeIsRefused() {
        assertThat(RequestBodies.isJsonInUtf8(null)).isFalse();
    }

    private static final PublishError TOO_LARGE = new PublishError(413, "too_large", "too large");

    private static byte[] read(String body, long declared, int limit) {
        return RequestBodies.read(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), declared, limit,
                TOO_LARGE);
    }

    @Test
    void aBodyIsReadWhole_whetherItsLengthWasDeclaredOrNot() {
        assertThat(read("{\"a\":1}", 7, 100)).asString(StandardCharsets.UTF_8).isEqualTo("{\"a\":1}");
        assertThat(read("{\"a\":1}", -1, 100)).asString(StandardCharsets.UTF_8).isEqualTo("{\"a\":1}");
        assertThat(read("", 0, 100)).isEmpty();
    }

    @Test
    void aBodyCutShortOfItsDeclaredLength_isRefusedAsSuch_notParsed() {
        assertThatThrownBy(() -> read("{\"a\"", 7, 100)).isInstanceOfSatisfying(PublishError.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.code()).isEqualTo("bad_body");
            assertThat(e.getMessage()).isEqualTo("the request body ended after 4 of the 7 bytes its Content-Length declared");
        });
    }

    @Test
    void aBodyOverTheLimit_is413_declaredOrNot() {
        assertThatThrownBy(() -> read("0123456789", 10, 9)).isSameAs(TOO_LARGE);
        assertThatThrownBy(() -> read("0123456789", -1, 9)).isSameAs(TOO_LARGE);
        assertThat(read("0123456789", -1, 10)).hasSize(10);
    }
}
