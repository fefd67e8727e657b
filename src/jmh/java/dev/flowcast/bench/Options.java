package dev.flowcast.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The generator's command line ({@code --name=value}, {@code --flag}), validated once; immutable afterwards.
 *
 * <p>Secrets are never options: the publish key comes from {@code FLOWCAST_PUBLISH_KEY} and the JWT secret from
 * {@code FLOWCAST_AUTH_SECRET}, the same environment variables the server reads, and neither is ever printed.
 */
final class Options {

    static final String USAGE = """
            usage: LoadGenerator [--scenario=NAME] --ws=URL[,URL...] [--publish=URL|none] [options]
              --scenario=     fanout | maxrate | idle5k | private5k | idle10k | cluster3 | flood (presets; later options win)
              --ws=           WebSocket URLs, clients spread round-robin (ws://127.0.0.1:8100/ws,...)
              --publish=      base URL of the publish API (http://127.0.0.1:8100) or none (receive only); several
                              URLs (same path, comma-separated): connection i publishes through URL i mod count
              --clients=N     WebSocket clients (100); client i subscribes to topic i mod T
              --topics=T      topics (1)
              --private       private topics: each subscribe carries an HS256 JWT for its topic (FLOWCAST_AUTH_SECRET)
              --rate=R        events/s in all, on a fixed schedule (100); 0 = as fast as accepted
              --inflight=N    HTTP keep-alive connections, one request in flight each (16)
              --batch=B       events per request: 1 = POST /api/topics/{t}/events, >1 = POST /api/events (1)
              --payload=BYTES size of each event's data (60)
              --warmup=S      seconds of load before measuring (10); --duration=S measured seconds (30)
              --drain=S       at most this long to wait for the last deliveries after the window (60); stops
                              earlier once all arrived, or when nothing arrived for 20 s
              --idle=S        idle mode: connect and subscribe, publish nothing, measure for S seconds
              --threads=N     selector threads for the clients (2)
              --server-pid=P[,P...]  server processes whose CPU and RSS are reported
              --server-gc     run `jcmd PID GC.run` before each server RSS reading (JVM servers)
              --connect-timeout=S  give up waiting for all clients to subscribe after S seconds (180)
              --max-connecting=N   connection attempts in progress at once (256)
            environment: FLOWCAST_PUBLISH_KEY (publish API key), FLOWCAST_AUTH_SECRET (JWT secret for --private)
            """;

    private static final Set<String> FLAGS = Set.of("private", "server-gc");
    private static final Map<String, String> DEFAULTS = Map.ofEntries(
            Map.entry("clients", "100"), Map.entry("topics", "1"), Map.entry("rate", "100"),
            Map.entry("inflight", "16"), Map.entry("batch", "1"), Map.entry("payload", "60"),
            Map.entry("warmup", "10"), Map.entry("duration", "30"), Map.entry("drain", "60"), Map.entry("idle", "0"),
            Map.entry("threads", "2"), Map.entry("connect-timeout", "180"), Map.entry("max-connecting", "256"),
            Map.entry("private", "false"), Map.entry("server-gc", "false"), Map.entry("server-pid", ""),
            Map.entry("publish", "none"), Map.entry("ws", ""), Map.entry("scenario", "custom"));

    final String scenario;
    final List<Endpoint> ws;
    /** The first (or only) publish URL: its path is every request's; null when receiving only. */
    final Endpoint publish;
    /** Every publish URL, in the order given; the publisher's connections are spread over them round-robin. */
    final List<Endpoint> publishTargets;
    final int clients;
    final int topics;
    final boolean privateTopics;
    /** Events per second in all; 0 = as fast as accepted. */
    final int rate;
    final int inflight;
    final int batch;
    final int payload;
    final int warmupSeconds;
    final int durationSeconds;
    final int drainSeconds;
    /** Idle mode when positive. */
    final int idleSeconds;
    final int threads;
    final long[] serverPids;
    final boolean serverGc;
    final int connectTimeoutSeconds;
    final int maxConnecting;
    /** Prefix of this run's topic names, unique per run so runs never see each other's history. */
    final String topicPrefix;
    final String publishKey;
    final String authSecret;
    private final Map<String, String> effective;

    private Options(Map<String, String> o) {
        this.effective = o;
        this.scenario = o.get("scenario");
        this.ws = new ArrayList<>();
        for (String url : o.get("ws").split(",")) {
            if (!url.isBlank()) {
                ws.add(Endpoint.parse(url));
            }
        }
        if (ws.isEmpty()) {
            throw new IllegalArgumentException("--ws is required");
        }
        List<Endpoint> publishTo = new ArrayList<>();
        if (!"none".equals(o.get("publish"))) {
            for (String url : o.get("publish").split(",")) {
                publishTo.add(Endpoint.parse(url));
            }
        }
        for (Endpoint target : publishTo) {
            if (!target.base().equals(publishTo.get(0).base())) { // the requests are written once, with one path
                throw new IllegalArgumentException("--publish: every URL needs the same path, as " + publishTo.get(0).target());
            }
        }
        this.publishTargets = List.copyOf(publishTo);
        this.publish = publishTo.isEmpty() ? null : publishTo.get(0);
        this.clients = positive(o, "clients");
        this.topics = positive(o, "topics");
        this.privateTopics = Boolean.parseBoolean(o.get("private"));
        this.rate = number(o, "rate");
        this.inflight = positive(o, "inflight");
        this.batch = positive(o, "batch");
        if (batch > 1000) {
            throw new IllegalArgumentException("--batch: the contract allows at most 1000 events per request");
        }
        this.payload = Math.max(EventBodies.MIN_DATA_BYTES, number(o, "payload"));
        this.warmupSeconds = number(o, "warmup");
        this.durationSeconds = positive(o, "duration");
        this.drainSeconds = number(o, "drain");
        this.idleSeconds = number(o, "idle");
        this.threads = positive(o, "threads");
        this.serverPids = o.get("server-pid").isBlank() ? new long[0]
                : Arrays.stream(o.get("server-pid").split(",")).mapToLong(Long::parseLong).toArray();
        this.serverGc = Boolean.parseBoolean(o.get("server-gc"));
        this.connectTimeoutSeconds = positive(o, "connect-timeout");
        this.maxConnecting = positive(o, "max-connecting");
        this.topicPrefix = (privateTopics ? "lg." : "public:lg.")
                + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36) + ".";
        this.publishKey = System.getenv().getOrDefault("FLOWCAST_PUBLISH_KEY", "");
        this.authSecret = System.getenv().getOrDefault("FLOWCAST_AUTH_SECRET", "");
        if (publish != null && idleSeconds == 0 && publishKey.isEmpty()) {
            throw new IllegalArgumentException("set FLOWCAST_PUBLISH_KEY to the server's publish key");
        }
        if (privateTopics && authSecret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 32) {
            throw new IllegalArgumentException("--private needs FLOWCAST_AUTH_SECRET (at least 32 bytes)");
        }
    }

    /** Parses {@code args}; a {@code --scenario} preset is applied first, explicit options override it. */
    static Options parse(String... args) {
        Map<String, String> given = new HashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("not an option: " + arg);
            }
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
            if (!DEFAULTS.containsKey(name)) {
                throw new IllegalArgumentException("unknown option --" + name);
            }
            if (eq < 0 && !FLAGS.contains(name)) {
                throw new IllegalArgumentException("--" + name + " needs a value");
            }
            given.put(name, eq < 0 ? "true" : arg.substring(eq + 1));
        }
        Map<String, String> effective = new LinkedHashMap<>(DEFAULTS);
        if (given.containsKey("scenario")) {
            effective.putAll(Scenario.valueOf(given.get("scenario").toUpperCase(Locale.ROOT)).options());
        }
        effective.putAll(given);
        return new Options(effective);
    }

    boolean idleMode() {
        return idleSeconds > 0;
    }

    boolean receiveOnly() {
        return publish == null;
    }

    /** Topic of client {@code i}. */
    String topic(int index) {
        return topicPrefix + index;
    }

    /** The options in effect, for the report (no secret is an option). */
    Map<String, String> effective() {
        return effective;
    }

    private static int number(Map<String, String> o, String name) {
        int value = Integer.parseInt(o.get(name));
        if (value < 0) {
            throw new IllegalArgumentException("--" + name + " must not be negative");
        }
        return value;
    }

    private static int positive(Map<String, String> o, String name) {
        int value = number(o, name);
        if (value == 0) {
            throw new IllegalArgumentException("--" + name + " must be positive");
        }
        return value;
    }
}
