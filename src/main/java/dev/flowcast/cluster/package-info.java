/**
 * Hazelcast: the member (or client) start-up, per-topic sequencing and history, and the reliable-topic
 * bus that carries sequenced events to every member.
 */
package dev.flowcast.cluster;
