package dev.flowcast.delivery.frame;

import java.util.Objects;

/**
 * The outcome of decoding one client text: a frame, or the error to send back; immutable and thread-safe.
 */
public sealed interface Decoded permits Decoded.Ok, Decoded.Failed {

    /** The text was a well-formed frame. */
    record Ok(ClientFrame frame) implements Decoded {
        public Ok {
            Objects.requireNonNull(frame, "frame");
        }
    }

    /** The text was refused; {@code error} says why, fit to send to the client as it is. */
    record Failed(FrameError error) implements Decoded {
        public Failed {
            Objects.requireNonNull(error, "error");
        }
    }
}
