package dev.flowcast.it;

import static org.awaitility.Awaitility.await;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;

/**
 * A real WebSocket client of the Flowcast protocol for tests (JDK {@code java.net.http.WebSocket}).
 *
 * <p>Records every frame the server sends (splitting packed messages on {@code \n}) and how the connection
 * closed. Thread-safe: the JDK calls the listener on its own threads; tests read snapshots.
 */
public final class WsTestClient implements AutoCloseable {

    public static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final List<JsonObject> frames = new ArrayList<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private volatile String closeReason;
    private volatile boolean paused;
    private volatile WebSocket pausedSocket;
    private final WebSocket socket;

    private WsTestClient(URI uri) {
        try {
            this.socket = HttpClient.newHttpClient().newWebSocketBuilder()
                    .connectTimeout(TIMEOUT)
                    .buildAsync(uri, new Listener())
                    .join();
        } catch (CompletionException e) {
            // Say what the server answered instead of the upgrade: a bare WebSocketHandshakeException does not.
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                var response = refused.getResponse();
                throw new IllegalStateException("the upgrade to " + uri + " was refused: HTTP " + response.statusCode()
                        + " " + response.headers().map() + " " + response.body(), refused);
            }
            throw e;
        }
    }

    /** Connects to {@code ws://…/ws} of the app at {@code base} (an http URL of the deployment). */
    public static WsTestClient connect(URI base, String query) {
        String ws = base.toString().replaceFirst("^http", "ws");
        if (!ws.endsWith("/")) {
            ws += "/";
        }
        return new WsTestClient(URI.create(ws + "ws" + (query == null ? "" : "?" + query)));
    }

    public static WsTestClient connect(URI base) {
        return connect(base, null);
    }

    /** Sends one text frame and waits until it is handed to the socket. */
    public WsTestClient send(String text) {
        socket.sendText(text, true).join();
        return this;
    }

    /**
     * Stops reading from the socket after the message being read now, like a client that hangs: the server's
     * writes then back up in TCP buffers and in its outbox.
     */
    public void pause() {
        paused = true;
    }

    /** Reads again, as fast as messages come. */
    public void resume() {
        paused = false;
        WebSocket stalled = pausedSocket;
        if (stalled != null) {
            pausedSocket = null;
            stalled.request(1); // onText asks for one more each time, as before the pause
        }
    }

    /** Sends one binary frame. */
    public WsTestClient sendBinary(byte[] data) {
        socket.sendBinary(ByteBuffer.wrap(data), true).join();
        return this;
    }

    public WsTestClient subscribe(String topic) {
        return send("{\"type\":\"subscribe\",\"topic\":\"" + topic + "\"}");
    }

    /** Subscribes and waits for the {@code subscribed} answer, which it returns. */
    public JsonObject subscribeAndWait(String topic) {
        subscribe(topic);
        return awaitFrame(f -> "subscribed".equals(f.getString("type", null)) && topic.equals(f.getString("topic", null)));
    }

    /** Waits for the first frame (already received or to come) that matches. */
    public JsonObject awaitFrame(Predicate<JsonObject> match) {
        return await().atMost(TIMEOUT).until(() -> frames().stream().filter(match).findFirst().orElse(null),
                f -> f != null);
    }

    /** Waits until {@code count} frames match and returns them in arrival order. */
    public List<JsonObject> awaitFrames(Predicate<JsonObject> match, int count) {
        return await().atMost(TIMEOUT).until(() -> frames().stream().filter(match).toList(), l -> l.size() >= count);
    }

    /** Every frame received so far, in arrival order. */
    public synchronized List<JsonObject> frames() {
        return List.copyOf(frames);
    }

    /** Events of {@code topic} received so far. */
    public List<JsonObject> events(String topic) {
        return frames().stream().filter(isEvent(topic)).toList();
    }

    public static Predicate<JsonObject> isEvent(String topic) {
        return f -> "event".equals(f.getString("type", null)) && topic.equals(f.getString("topic", null));
    }

    public static Predicate<JsonObject> ofType(String type) {
        return f -> type.equals(f.getString("type", null));
    }

    /** Waits for the server to close the connection; returns the close code. */
    public int awaitClose() {
        return closeCode.orTimeout(TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS).join();
    }

    /** The close code, or 0 while open (-1 when the connection failed without a close frame). */
    public int closeCode() {
        return closeCode.getNow(0);
    }

    public String closeReason() {
        return closeReason;
    }

    public boolean isClosed() {
        return closeCode.isDone();
    }

    @Override
    public void close() {
        if (!closeCode.isDone()) {
            socket.abort();
        }
    }

    private synchronized void received(String message) {
        for (String line : message.split("\n")) {
            if (!line.isEmpty()) {
                frames.add(Json.createReader(new StringReader(line)).readObject());
            }
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                received(partial.toString());
                partial.setLength(0);
            }
            if (paused) {
                pausedSocket = webSocket;
            } else {
                webSocket.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeReason = reason;
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeCode.complete(-1);
        }
    }
}
