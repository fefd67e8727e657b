package dev.flowcast.bench;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * Publishes events over {@code --inflight} keep-alive connections, one request in flight each, on one selector
 * thread: either on a fixed schedule (request {@code j} is due at {@code start + j * batch / rate}) or as fast as
 * the server answers.
 *
 * <p>On a schedule, every event carries its request's <em>intended</em> send time, not the time it actually
 * left: when the server stalls, the requests that could not be sent pile up as a backlog of due times (a counter,
 * no queue) and the clients measure their latency from the due time, so the stall shows in the figures instead of
 * hiding behind a stalled publisher (no coordinated omission). As fast as accepted, the stamp is the send time.
 *
 * <p>Threading: {@link #run()} is the only code that touches the connections and the counters; the main thread
 * reads the {@code volatile} progress while it runs and everything else after {@link Thread#join()}.
 */
final class Publisher implements Runnable {

    private static final long RECONNECT_DELAY_MICROS = 100_000;

    /** Accepted requests in the window: request sent → {@code 202} received, microseconds. */
    final Histogram publishLatency = new Histogram(DeliveryStats.HIGHEST_MICROS, 3);
    /** Events accepted ({@code 202}) per topic, counting only events stamped inside the window. */
    final long[] acceptedPerTopic;
    long acceptedInWindow;
    long requestsAcceptedInWindow;
    long accepted;
    long requests;
    long rejected429;
    long rejectedEvents429;
    long ioErrors;
    long reconnects;
    /** Events of requests sent but never answered (the connection broke, or time ran out). */
    long unanswered;
    /** How far behind its schedule the publisher fell at worst, microseconds. */
    long maxBacklogMicros;
    final Map<Integer, Long> otherStatuses = new TreeMap<>();
    String lastIoError = "";

    private final Options options;
    private final EventBodies bodies;
    private final Window window;
    private final MicroClock clock;
    private final long startMicros;
    private final long answerDeadlineMicros;
    private final HttpConnection[] connections;
    private final boolean batchEndpoint;
    private long nextEvent;
    private long nextRequest;

    volatile long acceptedProgress;
    volatile boolean finished;

    /**
     * @param startMicros when the first request is due; the window is already set
     */
    Publisher(Options options, EventBodies bodies, Window window, MicroClock clock, long startMicros) {
        this.options = options;
        this.bodies = bodies;
        this.window = window;
        this.clock = clock;
        this.startMicros = startMicros;
        this.answerDeadlineMicros = window.end() + options.drainSeconds * 1_000_000L;
        this.acceptedPerTopic = new long[options.topics];
        this.batchEndpoint = options.batch > 1;
        this.connections = new HttpConnection[options.inflight];
        for (int i = 0; i < connections.length; i++) {
            connections[i] = new HttpConnection(options.publishTargets.get(i % options.publishTargets.size()),
                    bodies.maxRequestBytes(options.batch));
        }
    }

    @Override
    public void run() {
        try (Selector selector = Selector.open()) {
            while (true) {
                long now = clock.micros();
                boolean sending = stillSending(now);
                int busy = 0;
                for (HttpConnection c : connections) {
                    if (!c.connected && !c.busy && now >= c.reconnectAtMicros && sending) {
                        connect(selector, c, now);
                    }
                    if (c.connected && !c.busy && sending && due(now)) {
                        send(c, now);
                        sending = stillSending(now);
                    }
                    busy += c.busy ? 1 : 0;
                }
                if ((!sending && busy == 0) || now > answerDeadlineMicros) {
                    break;
                }
                selector.select(selectTimeoutMillis(now, sending));
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    handle(key, (HttpConnection) key.attachment());
                }
                acceptedProgress = acceptedInWindow;
            }
            for (HttpConnection c : connections) {
                if (c.busy) {
                    unanswered += c.count;
                }
                if (c.channel != null) {
                    c.channel.close();
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("publisher selector failed", e);
        } finally {
            acceptedProgress = acceptedInWindow;
            finished = true;
        }
    }

    /** Whether the next request still belongs to the run (its due time, or now, is before the window's end). */
    private boolean stillSending(long now) {
        return (options.rate > 0 ? dueMicros(nextRequest) : now) < window.end();
    }

    private boolean due(long now) {
        return options.rate == 0 || dueMicros(nextRequest) <= now;
    }

    private long dueMicros(long request) {
        return startMicros + (long) (request * (double) options.batch * 1e6 / options.rate);
    }

    private long selectTimeoutMillis(long now, boolean sending) {
        if (!sending || options.rate == 0) {
            return 10;
        }
        return Math.max(1, Math.min(10, (dueMicros(nextRequest) - now) / 1000));
    }

    private void connect(Selector selector, HttpConnection c, long now) {
        try {
            if (c.channel != null) {
                c.channel.close();
                reconnects++;
            }
            SocketChannel channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            c.channel = channel;
            boolean done = channel.connect(c.target.address());
            c.key = channel.register(selector, done ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, c);
            c.connected = done;
        } catch (IOException e) {
            broken(c, e, now);
        }
    }

    private void send(HttpConnection c, long now) {
        long stamp = options.rate > 0 ? dueMicros(nextRequest) : now;
        maxBacklogMicros = Math.max(maxBacklogMicros, now - stamp);
        c.firstEvent = nextEvent;
        c.count = options.batch;
        c.stamp = stamp;
        c.sentMicros = now;
        c.busy = true;
        nextRequest++;
        nextEvent += options.batch;
        requests++;
        bodies.write(c.out, c.body, c.firstEvent, c.count, batchEndpoint, stamp);
        try {
            c.channel.write(c.out);
            if (c.out.hasRemaining()) {
                c.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            }
        } catch (IOException e) {
            broken(c, e, now);
        }
    }

    private void handle(SelectionKey key, HttpConnection c) {
        long now = clock.micros();
        try {
            if (!key.isValid()) {
                return;
            }
            if (key.isConnectable()) {
                c.channel.finishConnect();
                c.connected = true;
                key.interestOps(SelectionKey.OP_READ);
            }
            if (key.isValid() && key.isWritable()) {
                c.channel.write(c.out);
                if (!c.out.hasRemaining()) {
                    key.interestOps(SelectionKey.OP_READ);
                }
            }
            if (key.isValid() && key.isReadable()) {
                if (!c.read()) {
                    if (c.busy) {
                        throw new IOException("server closed the connection with a request in flight");
                    }
                    c.channel.close(); // an idle keep-alive connection timed out (Node closes them after 5 s)
                    c.reset();
                    return;
                }
                int status = c.takeResponse();
                if (status >= 0) {
                    onResponse(c, status, clock.micros());
                }
            }
        } catch (IOException e) {
            broken(c, e, now);
        }
    }

    private void onResponse(HttpConnection c, int status, long now) throws IOException {
        if (!c.busy) {
            throw new IOException("a response without a request");
        }
        c.busy = false;
        boolean measured = c.stamp >= window.start() && c.stamp < window.end();
        if (status == 202) {
            accepted += c.count;
            if (measured) {
                acceptedInWindow += c.count;
                requestsAcceptedInWindow++;
                publishLatency.recordValue(Math.max(0, Math.min(DeliveryStats.HIGHEST_MICROS, now - c.sentMicros)));
                for (long e = c.firstEvent, last = c.firstEvent + c.count; e < last; e++) {
                    acceptedPerTopic[bodies.topicIndex(e)]++;
                }
            }
        } else if (status == 429) {
            rejected429++;
            rejectedEvents429 += c.count;
        } else {
            otherStatuses.merge(status, 1L, Long::sum);
        }
        if (c.closeAfterResponse) {
            c.channel.close();
            c.reset();
        }
    }

    private void broken(HttpConnection c, IOException e, long now) {
        ioErrors++;
        lastIoError = e.getMessage();
        if (c.busy) {
            unanswered += c.count;
        }
        try {
            if (c.channel != null) {
                c.channel.close();
            }
        } catch (IOException ignored) {
            // already broken
        }
        c.reset();
        c.reconnectAtMicros = now + RECONNECT_DELAY_MICROS;
    }
}
