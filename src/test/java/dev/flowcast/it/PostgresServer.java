package dev.flowcast.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throw-away PostgreSQL server for tests (FACTS.md § PostgreSQL): Debian's binaries, a fresh data directory under
 * {@code /tmp}, its own port on 127.0.0.1, trust authentication, no system service. As root (CI) the server runs as
 * the {@code postgres} user, since {@code initdb} refuses root. {@code .ci/run} installs Debian's {@code postgresql}
 * when it is missing. Public for the store's own tests in {@code dev.flowcast.cluster}.
 */
public final class PostgresServer implements AutoCloseable {

    private final Path dataDir;
    private final int port;
    private final String bin;

    private PostgresServer(Path dataDir, int port, String bin) {
        this.dataDir = dataDir;
        this.port = port;
        this.bin = bin;
    }

    /** Makes a data directory and starts the server; waits until it accepts connections. */
    public static PostgresServer start() throws IOException, InterruptedException {
        String bin = findBin();
        // /tmp, not java.io.tmpdir (target/it-tmp): as root the server runs as postgres, which must reach its data
        // directory, and the checkout may sit under a home directory it cannot enter
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "flowcast-pg-");
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        PostgresServer server = new PostgresServer(dir, port, bin);
        if (isRoot()) {
            run("chown", "postgres", dir.toString());
        }
        server.pg("initdb", "-D", dir.toString(), "-A", "trust", "-U", "postgres");
        server.startAgain();
        return server;
    }

    /** Starts the server on its data directory (after {@link #stopNow}). */
    void startAgain() throws IOException, InterruptedException {
        pg("pg_ctl", "-D", dataDir.toString(), "-l", dataDir.resolve("server.log").toString(),
                "-o", "-p " + port + " -k " + dataDir + " -c listen_addresses=127.0.0.1", "-w", "start");
    }

    /** Stops the server at once, like a crash of the database host ({@code -m immediate}). */
    void stopNow() throws IOException, InterruptedException {
        pg("pg_ctl", "-D", dataDir.toString(), "-m", "immediate", "-w", "stop");
    }

    /**
     * Freezes the whole database server with SIGSTOP (the postmaster, then every backend): connections stay open and
     * accept bytes, nothing answers — a store that hangs rather than fails. {@link #thaw} undoes it.
     */
    void freeze() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** Lets a {@link #freeze frozen} server run again (SIGCONT). */
    void thaw() throws IOException, InterruptedException {
        signal("CONT");
    }

    /** Sends the signal to the postmaster, then to every process under it (the shell's kill: no procps needed). */
    private void signal(String name) throws IOException, InterruptedException {
        long postmaster = Long.parseLong(postmasterPid());
        List<String> pids = new ArrayList<>();
        pids.add(Long.toString(postmaster));
        ProcessHandle.of(postmaster).ifPresent(p -> p.descendants().forEach(c -> pids.add(Long.toString(c.pid()))));
        run("sh", "-c", "kill -" + name + " " + String.join(" ", pids));
    }

    private String postmasterPid() throws IOException {
        return Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).strip();
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            if (Files.exists(dataDir.resolve("postmaster.pid"))) {
                stopNow();
            }
        } finally {
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private void pg(String tool, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(bin + "/" + tool);
        command.addAll(List.of(args));
        if (isRoot()) {
            run("su", "postgres", "-s", "/bin/sh", "-c", String.join(" ", command.stream().map(PostgresServer::quote).toList()));
        } else {
            run(command.toArray(new String[0]));
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
    }

    private static String quote(String arg) {
        return "'" + arg.replace("'", "'\\''") + "'";
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static String findBin() throws IOException {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("PostgreSQL is not installed (apt-get install postgresql; .ci/run does it)");
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin")).filter(Files::isDirectory).max(Comparator.naturalOrder())
                    .orElseThrow(() -> new IllegalStateException("no PostgreSQL binaries under " + root)).toString();
        }
    }
}
