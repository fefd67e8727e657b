/** Metric names in one place, their registration with MicroProfile Metrics, and the stats snapshot. */
package dev.flowcast.metrics;
