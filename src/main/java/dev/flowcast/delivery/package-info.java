/**
 * Delivery to WebSocket clients: the {@code @ServerEndpoint} (lifecycle only) and its connection-limit filter, the
 * client protocol with its limits, per-topic fan-out, one bounded outbox per connection, and the pinned writer
 * threads that write them.
 *
 * <pre>
 *  bus ──> BusBridge ──> FanOutStage (lane per topic) ──> FanOut ──> Subscription ──> Outbox ──> OutboxWriters ──> socket
 *  endpoint ──> ClientProtocol ── subscribe ──────────────┘                            (bounded;  (pinned threads,
 *              (rate limit, auth, limits) ── unsubscribe/expiry ──> Outbox.end         packed)    one send in flight)
 *  Housekeeping (tick): pings/liveness, token expiry, aborts, resyncs, prunes
 * </pre>
 *
 * Nothing here blocks a thread it does not own: offers to the fan-out stage are refused when it is full (a refused
 * batch marks its topic for a catch-up from history), and outbox writes are asynchronous, one in flight.
 */
package dev.flowcast.delivery;
