/**
 * The pipeline core in plain Java: bounded, concurrency-limited, key-ordered stages with named overflow policies.
 *
 * <pre>
 *  producers, any thread                   one Stage&lt;T&gt;
 *  ─────────────────────    ┌─────────────────────────────────────────────────────────────────────┐
 *  offer(item) ─────────────┼─> Backlog: accepted and not yet taken ≤ capacity                    │
 *    ← ACCEPTED             │      │ full? OverflowPolicy: reject │ block(timeout) │              │
 *    ← REJECTED             │      │   drop-oldest │ drop-newest ──> DropListener, dropped++      │
 *    ← DROPPED              │      v                                                              │
 *                           │  StageQueue: ArrayBlockingQueue │ bounded BlockingQueue │ IQueue    │
 *                           │      │ dispatch step, by a worker thread under one lock             │
 *                           │      v                                                              │
 *                           │  per-key mailboxes   k1:[a b c]   k2:[d]   k3:[e f]                 │
 *                           │      │ ready lanes, FIFO; a lane goes to the back after each batch  │
 *                           │      v                                                              │
 *                           │  `workers` long-lived threads (ThreadFactory): parked when idle     │
 *                           │      └─> BatchHandler.handle(≤ batchSize items of ONE key,          │
 *                           │                             or of ≤ lanesPerCall keys)              │
 *                           │              throws → onError(batch, e), failed++                   │
 *                           └─────────────────────────────────────────────────────────────────────┘
 *  stats():   depth, capacity, in/out and per second, in-flight, rejected, failed, dropped by policy,
 *             latency percentiles (HdrHistogram), time since last progress
 *  lifecycle: build → start (threads made once) → drain(timeout) → DrainReport(leftover), threads end
 * </pre>
 *
 * No Jakarta or Hazelcast imports: unit-tested and benchmarked without a container.
 */
package dev.flowcast.stage;
