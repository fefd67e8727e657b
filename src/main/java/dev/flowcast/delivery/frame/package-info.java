/**
 * The client protocol's frames (contract §3) as plain Java: decoding client frames and encoding server frames.
 *
 * <p>No Jakarta WebSocket imports: the endpoint hands text in and writes text out; everything here is immutable
 * or stateless and safe to call from any thread. JSON goes through JSON-P (the server's implementation); only
 * the hot {@link dev.flowcast.delivery.frame.ServerFrames#event event} encoding is hand-assembled, and its one
 * hand-written part, the "needs no escaping" check, is proven equal to JSON-P by tests.
 *
 * <pre>
 *   socket text ──&gt; ClientFrameDecoder.decode ──&gt; Decoded.Ok(ClientFrame) | Decoded.Failed(FrameError)
 *   Event / FrameError / … ──&gt; ServerFrames.* ──&gt; one compact JSON line (never contains '\n')
 * </pre>
 */
package dev.flowcast.delivery.frame;
