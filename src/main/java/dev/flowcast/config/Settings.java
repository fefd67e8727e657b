package dev.flowcast.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Every Flowcast setting (contract §1), read once from MicroProfile Config.
 *
 * <p>Environment variables work as MicroProfile Config defines: {@code flowcast.cluster.members} can be
 * given as {@code FLOWCAST_CLUSTER_MEMBERS}. Defaults live here and in the README table;
 * {@code SettingsDocTest} keeps the two in step. Values are checked by {@link SettingsCheck} at start-up,
 * so a node with a bad setting refuses to start instead of misbehaving later.
 *
 * <p>Threading: an application-scoped bean whose fields are written once by CDI before first use;
 * safe to read from any thread. Secrets are never logged or included in {@link #toString()}.
 */
@ApplicationScoped
public class Settings {

    @Inject @ConfigProperty(name = "flowcast.publish.key")
    Optional<String> publishKey;

    @Inject @ConfigProperty(name = "flowcast.auth.secret")
    Optional<String> authSecret;

    @Inject @ConfigProperty(name = "flowcast.auth.public-topics", defaultValue = "public:*")
    String publicTopics;

    @Inject @ConfigProperty(name = "flowcast.admin.password")
    Optional<String> adminPassword;

    @Inject @ConfigProperty(name = "flowcast.cluster.name", defaultValue = "flowcast")
    String clusterName;

    @Inject @ConfigProperty(name = "flowcast.cluster.port", defaultValue = "5701")
    int clusterPort;

    // Optional<String>, split here: Payara's config producer fails on Optional<List<String>>
    // (ClassCastException ParameterizedTypeImpl -> Class at deploy).
    @Inject @ConfigProperty(name = "flowcast.cluster.members")
    Optional<String> clusterMembers;

    @Inject @ConfigProperty(name = "flowcast.cluster.client")
    Optional<String> clusterClient;

    @Inject @ConfigProperty(name = "flowcast.durability", defaultValue = "memory")
    String durability;

    @Inject @ConfigProperty(name = "flowcast.store.url")
    Optional<String> storeUrl;

    @Inject @ConfigProperty(name = "flowcast.store.user")
    Optional<String> storeUser;

    @Inject @ConfigProperty(name = "flowcast.store.password")
    Optional<String> storePassword;

    @Inject @ConfigProperty(name = "flowcast.queue.capacity", defaultValue = "10000")
    int queueCapacity;

    @Inject @ConfigProperty(name = "flowcast.queue.overflow", defaultValue = "reject")
    String queueOverflow;

    @Inject @ConfigProperty(name = "flowcast.queue.offer-timeout-ms", defaultValue = "1000")
    long queueOfferTimeoutMs;

    /** 0 means "number of cores", resolved in {@link #stageWorkers()}. */
    @Inject @ConfigProperty(name = "flowcast.stage.workers", defaultValue = "0")
    int stageWorkers;

    @Inject @ConfigProperty(name = "flowcast.event.max-bytes", defaultValue = "65536")
    int eventMaxBytes;

    @Inject @ConfigProperty(name = "flowcast.batch.max-bytes", defaultValue = "8388608")
    int batchMaxBytes;

    @Inject @ConfigProperty(name = "flowcast.history.size", defaultValue = "1000")
    int historySize;

    @Inject @ConfigProperty(name = "flowcast.history.ttl-seconds", defaultValue = "300")
    int historyTtlSeconds;

    @Inject @ConfigProperty(name = "flowcast.client.max-pending", defaultValue = "4096")
    int clientMaxPending;

    @Inject @ConfigProperty(name = "flowcast.client.max-pending-bytes", defaultValue = "8388608")
    long clientMaxPendingBytes;

    @Inject @ConfigProperty(name = "flowcast.client.max-connections", defaultValue = "10000")
    int clientMaxConnections;

    @Inject @ConfigProperty(name = "flowcast.client.max-frames-per-second", defaultValue = "50")
    int clientMaxFramesPerSecond;

    @Inject @ConfigProperty(name = "flowcast.client.ping-seconds", defaultValue = "25")
    int clientPingSeconds;

    @Inject @ConfigProperty(name = "flowcast.client.max-subscriptions", defaultValue = "100")
    int clientMaxSubscriptions;

    @Inject @ConfigProperty(name = "flowcast.demo.enabled", defaultValue = "false")
    boolean demoEnabled;

    @Inject @ConfigProperty(name = "flowcast.demo.rate", defaultValue = "20")
    int demoRatePerSecond;

    @Inject @ConfigProperty(name = "flowcast.shutdown.drain-timeout-ms", defaultValue = "5000")
    long drainTimeoutMs;

    @Inject @ConfigProperty(name = "flowcast.health.stall-seconds", defaultValue = "30")
    int healthStallSeconds;

    public Optional<String> publishKey() {
        return publishKey.filter(s -> !s.isBlank());
    }

    public Optional<String> authSecret() {
        return authSecret.filter(s -> !s.isBlank());
    }

    public String publicTopics() {
        return publicTopics;
    }

    public Optional<String> adminPassword() {
        return adminPassword.filter(s -> !s.isBlank());
    }

    public String clusterName() {
        return clusterName;
    }

    public int clusterPort() {
        return clusterPort;
    }

    /** {@code host:port} entries of {@code flowcast.cluster.members}; empty for a single-node cluster. */
    public List<String> clusterMembers() {
        return commaList(clusterMembers);
    }

    /** {@code host:port} entries of {@code flowcast.cluster.client}; empty to run an embedded member. */
    public List<String> clusterClient() {
        return commaList(clusterClient);
    }

    private static List<String> commaList(Optional<String> value) {
        return value.map(v -> Arrays.stream(v.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList())
                .orElse(List.of());
    }

    public String durability() {
        return durability;
    }

    /** JDBC URL of the {@code persistent} store; empty when unset. */
    public Optional<String> storeUrl() {
        return storeUrl.filter(v -> !v.isBlank()).map(String::strip);
    }

    public Optional<String> storeUser() {
        return storeUser.filter(v -> !v.isBlank());
    }

    /** The store's password: a secret, never logged. */
    public Optional<String> storePassword() {
        return storePassword.filter(v -> !v.isEmpty());
    }

    public int queueCapacity() {
        return queueCapacity;
    }

    public String queueOverflow() {
        return queueOverflow;
    }

    public long queueOfferTimeoutMs() {
        return queueOfferTimeoutMs;
    }

    /** The configured worker limit, or the number of cores when unset. */
    public int stageWorkers() {
        return stageWorkers > 0 ? stageWorkers : Runtime.getRuntime().availableProcessors();
    }

    public int eventMaxBytes() {
        return eventMaxBytes;
    }

    public int batchMaxBytes() {
        return batchMaxBytes;
    }

    public int historySize() {
        return historySize;
    }

    public int historyTtlSeconds() {
        return historyTtlSeconds;
    }

    public int clientMaxPending() {
        return clientMaxPending;
    }

    public int clientMaxSubscriptions() {
        return clientMaxSubscriptions;
    }

    /** Bytes of frames queued for one client before it is cut off (beside the frame count). */
    public long clientMaxPendingBytes() {
        return clientMaxPendingBytes;
    }

    /** WebSocket connections this node accepts; past it the upgrade gets 503. */
    public int clientMaxConnections() {
        return clientMaxConnections;
    }

    /** Frames one connection may send per second, on average over a few seconds. */
    public int clientMaxFramesPerSecond() {
        return clientMaxFramesPerSecond;
    }

    /** Seconds between liveness pings; a connection silent for three periods is closed. */
    public int clientPingSeconds() {
        return clientPingSeconds;
    }

    public boolean demoEnabled() {
        return demoEnabled;
    }

    public int demoRatePerSecond() {
        return demoRatePerSecond;
    }

    public long drainTimeoutMs() {
        return drainTimeoutMs;
    }

    /** How long a stage with queued work may go without progress before liveness reports it. */
    public int healthStallSeconds() {
        return Math.max(1, healthStallSeconds);
    }

    /** The setting as given, for {@link SettingsCheck}, which refuses values below 1. */
    int healthStallSecondsSetting() {
        return healthStallSeconds;
    }

    /** A summary for the start-up log line: every non-secret setting, and only whether secrets are set. */
    @Override
    public String toString() {
        return "cluster=" + clusterName + " port=" + clusterPort + " members=" + clusterMembers()
                + " client=" + clusterClient() + " durability=" + durability
                + " store=" + storeUrl().map(Settings::withoutCredentials).orElse("none") + " queue=" + queueCapacity + "/" + queueOverflow
                + " workers=" + stageWorkers() + " maxBytes=" + eventMaxBytes
                + " history=" + historySize + "/" + historyTtlSeconds + "s"
                + " client.maxPending=" + clientMaxPending + "/" + clientMaxPendingBytes + "B"
                + " client.maxSubscriptions=" + clientMaxSubscriptions + " client.maxConnections=" + clientMaxConnections
                + " client.maxFramesPerSecond=" + clientMaxFramesPerSecond + " client.ping=" + clientPingSeconds + "s"
                + " demo=" + demoEnabled + " health.stall=" + healthStallSeconds() + "s"
                + " publishKey=" + (publishKey().isPresent() ? "set" : "UNSET")
                + " authSecret=" + (authSecret().isPresent() ? "set" : "unset")
                + " adminPassword=" + (adminPassword().isPresent() ? "set" : "unset")
                + " storePassword=" + (storePassword().isPresent() ? "set" : "unset");
    }

    /** A JDBC URL without its query string, where drivers accept a password ({@code ?password=…}). */
    static String withoutCredentials(String url) {
        int query = url.indexOf('?');
        int semicolon = url.indexOf(';'); // H2 takes settings after ';' (e.g. ;PASSWORD=…)
        int cut = query < 0 ? semicolon : semicolon < 0 ? query : Math.min(query, semicolon);
        return cut < 0 ? url : url.substring(0, cut) + "…";
    }
}
