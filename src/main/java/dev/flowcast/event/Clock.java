package dev.flowcast.event;

import java.time.Instant;

/** Epoch-microsecond time stamps, the unit of the {@code ts} field of event frames. */
public final class Clock {

    private Clock() {
    }

    /** Now, in epoch microseconds. Any thread. */
    public static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}
