package dev.flowcast.bench;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One selector thread and the clients it owns: opens their connections (at most {@code maxConnecting} at a time,
 * so a server's accept backlog never overflows), reads every socket into one shared buffer and lets each client
 * decode in place.
 *
 * <p>Threading: {@link #run()} is the only code that touches the clients, the selector and {@link #stats}. Other
 * threads read the {@code volatile} counters while it runs, call {@link #stop()}, and read the rest after
 * {@link Thread#join()}.
 */
final class SubscriberLoop implements Runnable {

    private static final int READ_BUFFER_BYTES = 256 * 1024;
    private static final int READS_PER_WAKEUP = 4;

    final DeliveryStats stats = new DeliveryStats();
    final List<WsClient> clients = new ArrayList<>();
    /** Why clients failed to subscribe or were closed, with counts; written by the loop thread only. */
    final Map<String, Integer> failures = new TreeMap<>();

    private final Window window;
    private final MicroClock clock;
    private final int maxConnecting;
    private final ByteBuffer readBuffer = ByteBuffer.allocate(READ_BUFFER_BYTES);
    private Selector selector;
    private int nextToConnect;
    private int connecting;
    private int subscribed;
    private int failed;
    private int closedAfterSubscribe;
    private int bugs;

    /** Set by {@link #giveUpPending()}; the loop then abandons every client not subscribed yet. */
    private volatile boolean giveUp;
    /** Set by the loop once it has done so. */
    volatile boolean gaveUp;
    volatile int subscribedCount;
    volatile int failedCount;
    volatile int closedCount;
    private volatile boolean stopping;

    SubscriberLoop(Window window, MicroClock clock, int maxConnecting) {
        this.window = window;
        this.clock = clock;
        this.maxConnecting = maxConnecting;
    }

    void stop() {
        stopping = true;
        Selector s = selector;
        if (s != null) {
            s.wakeup();
        }
    }

    @Override
    public void run() {
        try (Selector s = Selector.open()) {
            selector = s;
            while (!stopping) {
                if (giveUp && !gaveUp) {
                    abandonPending();
                }
                startConnects();
                s.select(10);
                stats.windowStart = window.start();
                stats.windowEnd = window.end();
                Iterator<SelectionKey> keys = s.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    handle(key, (WsClient) key.attachment());
                }
                stats.publishProgress();
                subscribedCount = subscribed;
                failedCount = failed;
                closedCount = closedAfterSubscribe;
            }
            for (WsClient client : clients) {
                client.closeNormally();
            }
        } catch (IOException e) {
            throw new IllegalStateException("selector failed", e);
        }
    }

    /**
     * Asks the loop to stop connecting and close every client that has not subscribed yet (the connect timeout
     * ran out), so an idle measurement sees only settled, subscribed connections; {@link #gaveUp} says when done.
     */
    void giveUpPending() {
        giveUp = true;
        Selector s = selector;
        if (s != null) {
            s.wakeup();
        }
    }

    private void abandonPending() {
        nextToConnect = clients.size();
        for (WsClient client : clients) {
            if (client.state != WsClient.State.SUBSCRIBED && client.state != WsClient.State.CLOSED) {
                client.failure("not subscribed within --connect-timeout");
                if (client.state == WsClient.State.NEW) {
                    client.state = WsClient.State.CLOSED; // never opened: nothing to close, not counted
                } else {
                    client.close();
                }
            }
        }
        gaveUp = true;
    }

    private void handle(SelectionKey key, WsClient client) {
        try {
            if (!key.isValid()) {
                return;
            }
            if (key.isConnectable()) {
                client.channel.finishConnect();
                client.onConnected();
            }
            if (key.isValid() && key.isWritable()) {
                client.onWritable();
            }
            if (key.isValid() && key.isReadable()) {
                read(client);
            }
        } catch (IOException e) {
            client.failure(e.getClass().getSimpleName() + ": " + e.getMessage());
            client.close();
        } catch (RuntimeException e) {
            // a bug of ours on one client's bytes must neither kill the thread (and silently every other client
            // of this loop) nor go unnoticed: the client is given up, counted, and the first trace printed
            if (bugs++ == 0) {
                e.printStackTrace();
            }
            client.failure("generator bug: " + e);
            client.close();
        }
    }

    private void read(WsClient client) throws IOException {
        for (int i = 0; i < READS_PER_WAKEUP && client.state != WsClient.State.CLOSED; i++) {
            readBuffer.clear();
            int n = client.channel.read(readBuffer);
            if (n < 0) {
                client.onEndOfStream();
                return;
            }
            if (n == 0) {
                return;
            }
            stats.now = clock.micros();
            client.onBytes(readBuffer.array(), 0, n);
            if (n < READ_BUFFER_BYTES) {
                return;
            }
        }
    }

    private void startConnects() {
        while (connecting < maxConnecting && nextToConnect < clients.size() && !stopping) {
            WsClient client = clients.get(nextToConnect++);
            connecting++;
            client.state = WsClient.State.CONNECTING;
            try {
                SocketChannel channel = SocketChannel.open();
                client.channel = channel;
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                boolean connected = channel.connect(client.endpoint.address());
                client.key = channel.register(selector, connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, client);
                if (connected) {
                    client.onConnected();
                }
            } catch (IOException e) {
                client.failure("connect: " + e.getMessage());
                client.close();
            }
        }
    }

    /** The upgrade succeeded: one fewer connection in progress. */
    void onUpgraded(WsClient client) {
        connecting--;
    }

    void onSubscribed(WsClient client) {
        subscribed++;
    }

    /** The server refused the upgrade or the subscription: the client is given up. */
    void onRefused(WsClient client, String reason) {
        client.failure(reason);
        client.close();
    }

    /** Called once per client when its socket closes, whatever the reason. */
    void onClosed(WsClient client, WsClient.State was) {
        if (stopping) {
            return; // the generator's own closing at the end
        }
        if (was == WsClient.State.CONNECTING || was == WsClient.State.HANDSHAKE) {
            connecting--;
        }
        String reason = client.failure() != null ? client.failure()
                : client.closeCode == -1 ? "connection dropped" : "closed with " + client.closeCode;
        if (was == WsClient.State.SUBSCRIBED) {
            subscribed--;
            closedAfterSubscribe++;
            failures.merge("after subscribing: " + reason, 1, Integer::sum);
        } else if (was != WsClient.State.NEW) {
            failed++;
            failures.merge("before subscribing: " + reason, 1, Integer::sum);
        }
    }
}
