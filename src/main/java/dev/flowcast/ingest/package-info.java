/** Where events enter: the publish REST resource, the Java entry point, and the sequencer stage behind them. */
package dev.flowcast.ingest;
