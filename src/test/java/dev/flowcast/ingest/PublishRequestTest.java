package dev.flowcast.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the publish servlet takes from a request before the ingest sees it: the topic of the path, the media type. */
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
}
