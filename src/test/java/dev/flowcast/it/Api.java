package dev.flowcast.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The publish API and the operations endpoints, called over real HTTP for tests.
 *
 * <p>The publish key is the one the failsafe configuration gives the server (env FLOWCAST_PUBLISH_KEY).
 */
public final class Api {

    public static final String PUBLISH_KEY = System.getenv().getOrDefault("FLOWCAST_PUBLISH_KEY", "");

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final URI base;

    public Api(URI base) {
        this.base = base.toString().endsWith("/") ? base : URI.create(base + "/");
    }

    public URI base() {
        return base;
    }

    /** POST /api/topics/{topic}/events with the right key. */
    public HttpResponse<String> publish(String topic, String json) {
        return post("api/topics/" + topic + "/events", json, "application/json", "Bearer " + PUBLISH_KEY);
    }

    /** A POST with full control of the headers that matter (null = header absent). */
    public HttpResponse<String> post(String path, String body, String contentType, String authorization) {
        return postBytes(path, body.getBytes(StandardCharsets.UTF_8), contentType, authorization);
    }

    public HttpResponse<String> postBytes(String path, byte[] body, String contentType, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return send(request.build());
    }

    /** A GET of a path under the server root (not the context root): /metrics, /health. */
    public static HttpResponse<String> getAbsolute(URI base, String absolutePath) {
        URI root = URI.create(base.getScheme() + "://" + base.getAuthority() + absolutePath);
        return send(HttpRequest.newBuilder(root).timeout(Duration.ofSeconds(30)).GET().build());
    }

    /** A GET with the publish key, e.g. of {@code api/stats}. */
    public HttpResponse<String> getWithKey(String path) {
        return getWithKey(path, PUBLISH_KEY);
    }

    /** A GET with another publish key (a node started with its own). */
    public HttpResponse<String> getWithKey(String path, String key) {
        return send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + key).GET().build());
    }

    /** A GET of an absolute URI (e.g. {@link FlowcastDeployment#metrics}). */
    public static HttpResponse<String> get(URI uri) {
        return send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build());
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).GET().build());
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("request to " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
