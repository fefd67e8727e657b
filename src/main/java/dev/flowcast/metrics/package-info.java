/**
 * Metric names in one place, their registration with MicroProfile Metrics, and the stats snapshot that
 * {@code /api/stats} and the admin console share (per member, published to the cluster, and totalled).
 */
package dev.flowcast.metrics;
