package dev.flowcast.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on loopback in front of one node: the network between a browser and the node, which a test can
 * break the ways real networks break. {@link #blackHole()}: bytes stop arriving, both ways, but no connection
 * closes (a cable pulled, a peer frozen: half-open); {@link #reset()}: every connection is reset at once (a node
 * killed, a NAT dropping its state: the browser sees 1006).
 *
 * <p>Threading: one accepting thread, two pumping threads per relayed connection, all daemons ending with
 * {@link #close()}; tests relay a handful of connections.
 */
final class TcpRelay implements AutoCloseable {

    private final InetSocketAddress target;
    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean blackHole;

    TcpRelay(int targetPort) throws IOException {
        this.target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "relay-accept-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** From now on every byte read on either side is thrown away; the connections stay open. */
    void blackHole() {
        blackHole = true;
    }

    /** Resets every relayed connection (RST, no FIN), both sides; later connections are relayed again. */
    void reset() {
        for (Socket socket : sockets) {
            try {
                socket.setSoLinger(true, 0); // close() then sends RST: an abnormal end, not a clean FIN
                socket.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
        sockets.clear();
        blackHole = false;
    }

    @Override
    public void close() throws IOException {
        server.close();
        reset();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket();
                upstream.connect(target, 10_000);
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    if (!blackHole) {
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                }
                to.shutdownOutput(); // pass a clean close on
            } catch (SocketException closed) {
                // reset() or the other side went away
            } catch (IOException e) {
                // the same, seen differently
            }
        }, "relay-pump-" + from.getPort());
        thread.setDaemon(true);
        thread.start();
    }
}
