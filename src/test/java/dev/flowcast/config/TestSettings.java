package dev.flowcast.config;

import java.util.Optional;

/** Settings for tests outside a container: the documented defaults, as CDI would inject them. */
public final class TestSettings {

    private TestSettings() {
    }

    /** The defaults, with another durability mode, ingest queue and worker count. */
    public static Settings ingest(String durability, int queueCapacity, String overflow, int workers) {
        Settings s = defaults();
        s.durability = durability;
        s.queueCapacity = queueCapacity;
        s.queueOverflow = overflow;
        s.stageWorkers = workers;
        return s;
    }

    /** Settings with the documented defaults, as CDI would inject them with nothing configured. */
    public static Settings defaults() {
        Settings s = new Settings();
        s.publishKey = Optional.empty();
        s.authSecret = Optional.empty();
        s.publicTopics = "public:*";
        s.adminPassword = Optional.empty();
        s.clusterName = "flowcast";
        s.clusterPort = 5701;
        s.clusterMembers = Optional.empty();
        s.clusterClient = Optional.empty();
        s.durability = "memory";
        s.storeUrl = Optional.empty();
        s.storeUser = Optional.empty();
        s.storePassword = Optional.empty();
        s.queueCapacity = 10000;
        s.queueOverflow = "reject";
        s.queueOfferTimeoutMs = 1000;
        s.stageWorkers = 0;
        s.eventMaxBytes = 65536;
        s.batchMaxBytes = 8388608;
        s.historySize = 1000;
        s.historyTtlSeconds = 300;
        s.clientMaxPending = 4096;
        s.clientMaxSubscriptions = 100;
        s.clientMaxPendingBytes = 8388608;
        s.clientMaxConnections = 10000;
        s.clientMaxFramesPerSecond = 50;
        s.clientPingSeconds = 25;
        s.demoEnabled = false;
        s.demoRatePerSecond = 20;
        s.drainTimeoutMs = 5000;
        s.healthStallSeconds = 30;
        return s;
    }
}
