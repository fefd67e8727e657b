package dev.flowcast.cluster;

import com.hazelcast.client.impl.clientside.HazelcastClientProxy;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.instance.impl.HazelcastInstanceProxy;
import java.util.UUID;

/**
 * The id Hazelcast gives a cluster when it forms: the same on every member and every client of it, a new one when
 * the cluster restarts whole (Hazelcast's client compares it on each connection to tell "reconnected" from
 * "switched to a new cluster"). Hazelcast 5.5 has no public API for it, so this reads its internals, in this one
 * place.
 *
 * <p>Threading: any thread; a volatile read of Hazelcast's own field.
 */
public final class ClusterIds {

    private ClusterIds() {
    }

    /** The id of the cluster the instance is (or was last) connected to; null before a client's first connection. */
    public static UUID of(HazelcastInstance instance) {
        if (instance instanceof HazelcastClientProxy client) {
            return client.client.getClientClusterService().getClusterId();
        }
        if (instance instanceof HazelcastInstanceProxy member) {
            return member.getOriginal().node.getClusterService().getClusterId();
        }
        throw new IllegalArgumentException("not a Hazelcast member or client: " + instance.getClass().getName());
    }
}
