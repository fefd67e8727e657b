package dev.flowcast.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads the kernel's TCP table ({@code /proc/net/tcp}, {@code tcp6}) to see, from outside the server, whether it
 * still holds a connection: how a test tells a socket the server dropped from one it merely stopped using.
 * Linux only, like the rest of this suite's machines.
 */
final class TcpStates {

    /** The state the kernel shows for an established connection. */
    static final String ESTABLISHED = "01";

    private TcpStates() {
    }

    /**
     * The kernel state (two hex digits, e.g. {@code 01} established, {@code 04} FIN-WAIT-1) of the server's end of
     * the connection between {@code serverPort} and {@code clientPort} on this machine, or null when there is none.
     */
    static String serverEnd(int serverPort, int clientPort) throws IOException {
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path path = Path.of(table);
            if (!Files.exists(path)) {
                continue;
            }
            for (String line : Files.readAllLines(path)) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 3 && f[1].contains(":") && f[2].contains(":")
                        && port(f[1]) == serverPort && port(f[2]) == clientPort) {
                    return f[3];
                }
            }
        }
        return null;
    }

    private static int port(String hexAddressAndPort) {
        return Integer.parseInt(hexAddressAndPort.substring(hexAddressAndPort.indexOf(':') + 1), 16);
    }
}
