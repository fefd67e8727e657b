/**
 * Health checks in plain Java (ready once the pipeline started and Hazelcast is up; live while no stage is stalled:
 * queued work and no progress for {@code flowcast.health.stall-seconds}), served through the server's MicroProfile
 * Health where it has one, else by the WAR's own {@code /health/*}.
 */
package dev.flowcast.health;
