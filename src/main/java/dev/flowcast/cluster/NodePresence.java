package dev.flowcast.cluster;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Tells a client node when another Flowcast node of its external cluster went away: what a membership change tells
 * an embedded member. A node that dies between numbering a batch and putting it on the bus leaves events that no
 * bus message will bring; members re-read their subscribed topics' history when a member leaves
 * ({@link EventBus#listen}), but client nodes are not members, so without this a quiet topic waited for its next
 * publish to heal.
 *
 * <p>How: each client node keeps an entry in {@value #MAP} under its client UUID, written every
 * {@value #HEARTBEAT_SECONDS} s with a time-to-live of {@value #TTL_SECONDS} s, and removes it when it stops. Every
 * node listens for other nodes' entries expiring (a node killed, or cut off for longer than the TTL) or being
 * removed (a node that stopped) and then re-reads every subscribed topic. Hazelcast expires entries from a
 * background task (every 5 s by default), so a dead node is noticed some 10–20 s after its last heartbeat.
 *
 * <p>Threading: {@link #start} and {@link #stop} once each, from the lifecycle; the heartbeat runs on the given
 * scheduler, the callback on a Hazelcast event thread.
 */
public final class NodePresence {

    /** The map of live client nodes: client UUID → time of its last heartbeat (epoch millis). */
    public static final String MAP = "flowcast.nodes";
    static final long HEARTBEAT_SECONDS = 2;
    static final long TTL_SECONDS = 10;

    private static final Logger LOG = Logger.getLogger(NodePresence.class.getName());

    private final IMap<String, Long> nodes;
    private final String self;
    private final long heartbeatSeconds;
    private final long ttlSeconds;
    private volatile UUID listener;
    private volatile ScheduledFuture<?> heartbeat;

    public NodePresence(HazelcastInstance hazelcast) {
        this(hazelcast, HEARTBEAT_SECONDS, TTL_SECONDS);
    }

    /** With other periods: for tests, which cannot wait out the production TTL each time. */
    NodePresence(HazelcastInstance hazelcast, long heartbeatSeconds, long ttlSeconds) {
        this.nodes = hazelcast.getMap(MAP);
        this.self = hazelcast.getLocalEndpoint().getUuid().toString();
        this.heartbeatSeconds = heartbeatSeconds;
        this.ttlSeconds = ttlSeconds;
    }

    /**
     * Announces this node and starts watching the others.
     *
     * @param onNodeGone told why (a sentence naming the node) each time another node's entry expires or is removed
     */
    public NodePresence start(ScheduledExecutorService scheduler, Consumer<String> onNodeGone) {
        listener = nodes.addEntryListener(new Watcher(self, onNodeGone), false);
        beat();
        heartbeat = scheduler.scheduleWithFixedDelay(this::beat, heartbeatSeconds, heartbeatSeconds, TimeUnit.SECONDS);
        return this;
    }

    private void beat() {
        try {
            nodes.set(self, System.currentTimeMillis(), ttlSeconds, TimeUnit.SECONDS);
        } catch (RuntimeException e) {
            // the cluster is unreachable: readiness says so; the next beat tries again
            LOG.log(Level.FINE, "node heartbeat failed", e);
        }
    }

    /** Stops the heartbeat and the watch and removes this node's entry; never throws (shutdown path). */
    public void stop() {
        ScheduledFuture<?> beating = heartbeat;
        if (beating != null) {
            beating.cancel(false);
        }
        try {
            if (listener != null) {
                nodes.removeEntryListener(listener);
            }
            nodes.delete(self);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "node entry not removed (the cluster may be gone)", e);
        }
    }

    /** Calls back for every node entry but this node's own that expires or is removed. */
    private record Watcher(String self, Consumer<String> onNodeGone)
            implements EntryExpiredListener<String, Long>, EntryRemovedListener<String, Long> {

        @Override
        public void entryExpired(EntryEvent<String, Long> event) {
            gone(event.getKey(), "stopped answering");
        }

        @Override
        public void entryRemoved(EntryEvent<String, Long> event) {
            gone(event.getKey(), "stopped");
        }

        private void gone(String node, String how) {
            if (!self.equals(node)) {
                onNodeGone.accept("Flowcast node " + node + " " + how);
            }
        }
    }
}
