package dev.flowcast.it;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Flowcast node as a user runs it: {@code java -jar target/flowcast-microbundle.jar --port N}, in its own
 * process, with settings as environment variables. Output goes to {@code target/nodes/<name>.log}.
 *
 * <p>FACTS.md: a Payara Micro JVM whose start failed may not exit, so {@link #close()} always ends it by PID.
 */
public final class NodeProcess implements AutoCloseable {

    // a shared 2-core box under load (avg 25-50): starts took 5-8 min; 10-30 s on a quiet one
    private static final Duration START_TIMEOUT = Duration.ofSeconds(900);

    private final Process process;
    private final int port;
    private final Path log;
    private final List<String> readinessSeen = new java.util.concurrent.CopyOnWriteArrayList<>();

    private NodeProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts a node and waits until {@code /health/ready} answers 200. */
    public static NodeProcess start(String name, Map<String, String> env) throws IOException {
        return start(name, env, new String[0]);
    }

    /** Starts a node with more Payara Micro options (e.g. {@code --sslport N}) and waits until it is ready. */
    public static NodeProcess start(String name, Map<String, String> env, String... payaraOptions) throws IOException {
        NodeProcess node = launch(name, env, payaraOptions);
        try {
            await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(500)).until(node::isReadyOrDead);
            if (!node.process.isAlive()) {
                throw new IllegalStateException("node " + name + " exited during start; see " + node.log);
            }
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
        return node;
    }

    /** Starts several nodes at once (their start-ups overlap) and waits until every one is ready. */
    public static List<NodeProcess> startAll(List<String> names, Map<String, String> env) throws IOException {
        Map<String, Map<String, String>> envs = new LinkedHashMap<>();
        names.forEach(name -> envs.put(name, env));
        return startAll(envs);
    }

    /** Starts several nodes at once, each with its own settings, and waits until every one is ready (in that order). */
    public static List<NodeProcess> startAll(Map<String, Map<String, String>> envByName) throws IOException {
        List<NodeProcess> nodes = new ArrayList<>();
        try {
            for (var node : envByName.entrySet()) {
                nodes.add(launch(node.getKey(), node.getValue()));
            }
            for (NodeProcess node : nodes) {
                await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(500)).until(node::isReadyOrDead);
                if (!node.process.isAlive()) {
                    throw new IllegalStateException("a node exited during start; see " + node.log);
                }
            }
        } catch (RuntimeException e) {
            nodes.forEach(NodeProcess::close);
            throw e;
        }
        return nodes;
    }

    /** Starts a node without waiting for it: for a start that is expected to fail. */
    public static NodeProcess launch(String name, Map<String, String> env, String... payaraOptions)
            throws IOException {
        Path bundle = Path.of(System.getProperty("flowcast.bundle", "target/flowcast-microbundle.jar"));
        if (!Files.isRegularFile(bundle)) {
            throw new IllegalStateException(bundle + " is missing: run the tests with mvn verify, after package");
        }
        int port = freePort();
        Path log = Path.of("target", "nodes", name + ".log");
        Files.createDirectories(log.getParent());
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                // its runtime directory and WAR copy (161 MB, left behind when the node is killed) where the
                // tests' temporary files go: target/it-tmp
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                "-jar", bundle.toString(), "--port", Integer.toString(port)));
        command.addAll(List.of(payaraOptions));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("FLOWCAST_"));
        builder.environment().putAll(env);
        return new NodeProcess(builder.start(), port, log);
    }

    /** Kills the JVM at once (SIGKILL, like {@code kill -9}) and waits until it is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits until the node's log contains {@code text}; returns the log. */
    public String awaitLog(String text, Duration timeout) {
        return await().atMost(timeout).pollInterval(Duration.ofMillis(250)).until(this::logTextQuietly,
                log -> log.contains(text));
    }

    private String logTextQuietly() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    /** Every answer of {@code /health/ready} while the node started ("status body"), in order. */
    public List<String> readinessSeenWhileStarting() {
        return List.copyOf(readinessSeen);
    }

    public URI base() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    public Path log() {
        return log;
    }

    public String logText() throws IOException {
        return Files.readString(log);
    }

    /** Sends SIGTERM without waiting. */
    public void signalTerm() {
        process.destroy();
    }

    /** Waits for the JVM to exit; returns whether it exited in time. */
    public boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The status {@code /health/ready} answers now, or -1 when nothing listens. */
    public int readyStatus() {
        try {
            return Api.getAbsolute(base(), "/health/ready").statusCode();
        } catch (IllegalStateException notListening) {
            return -1;
        }
    }

    private boolean isReadyOrDead() {
        if (!process.isAlive()) {
            return true;
        }
        if (appFailedToLoad()) { // Payara Micro stays up without the app: waiting for /health/ready would time out
            throw new IllegalStateException("the node's application failed to deploy; see " + log);
        }
        try {
            var answer = Api.getAbsolute(base(), "/health/ready");
            readinessSeen.add(answer.statusCode() + " " + answer.body());
            return answer.statusCode() == 200;
        } catch (IllegalStateException notYetListening) {
            return false;
        }
    }

    private boolean appFailedToLoad() {
        try {
            return Files.isRegularFile(log) && Files.readString(log).contains("Exception while loading the app");
        } catch (IOException | java.io.UncheckedIOException unreadable) {
            return false;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
