/**
 * Hazelcast: the member (or client) start-up, per-topic logs (seq, epoch and history in one idempotently appended
 * map entry), the {@code persistent} store, and the reliable-topic bus that carries numbered batches to every
 * member, one message per bus partition.
 */
package dev.flowcast.cluster;
