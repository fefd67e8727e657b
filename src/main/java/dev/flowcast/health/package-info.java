/**
 * MicroProfile Health checks: ready once the pipeline started and Hazelcast is up; live while no stage is stalled
 * (queued work and no progress for {@code flowcast.health.stall-seconds}).
 */
package dev.flowcast.health;
