/**
 * Flowcast: a real-time data pipeline. Producers publish, bounded stages sequence and replicate, WebSockets
 * deliver.
 *
 * <pre>
 *  producers                                     every cluster member
 *  POST /api/…  ─┐                                                   ┌─> Outbox ─> client
 *  demo feed    ─┼─> ingest stage ──> Sequencer ──> Hazelcast ───────┼─> fan-out stage ─> Outbox ─> client
 *  Java API     ─┘   (bounded queue,   (per-topic   reliable-topic   │   (lane per topic,  (bounded, one
 *                     overflow policy,  log entry:   bus, 8 parts,   │    ≤ workers)        send in flight)
 *                     ≤ workers)        seq + epoch  one message per └─> … same on every member
 *                                       + history)   partition)
 * </pre>
 *
 * <p>Start order ({@link dev.flowcast.Lifecycle}): Hazelcast, fan-out (listening), ingest, demo feed.
 * Shutdown order is the reverse: stop the demo feed, stop accepting publishes (503), drain ingest, drain
 * fan-out, close sockets with 1001 after their outboxes flush, leave the Hazelcast cluster gracefully.
 */
package dev.flowcast;
