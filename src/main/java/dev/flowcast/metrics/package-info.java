/**
 * Metric names in one place, the application's own counters, latency histogram and gauges, their export
 * (MicroProfile Metrics where the server has it, else the WAR's own Prometheus {@code /metrics}), and the stats
 * snapshot that {@code /api/stats} and the admin console share (per member, published to the cluster, and totalled).
 */
package dev.flowcast.metrics;
