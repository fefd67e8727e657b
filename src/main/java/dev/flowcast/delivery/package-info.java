/**
 * Delivery to WebSocket clients: the {@code @ServerEndpoint} (lifecycle only), per-topic fan-out with its
 * subscription bookkeeping, and one bounded outbox per session.
 *
 * <pre>
 *  bus listener ──> fan-out stage (lane per topic, ≤ workers) ──> TopicChannel ──> Outbox ──> socket
 *  endpoint ── subscribe/unsubscribe ──> same lane ───────────────┘   (one send in flight, frames packed)
 * </pre>
 */
package dev.flowcast.delivery;
