package dev.flowcast.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A {@link FrameSink} that records messages and lets the test decide when each write completes, like a
 * socket that is fast ({@code autoComplete}) or stuck (completions held until {@link #completeNext()}).
 */
final class RecordingSink implements FrameSink {

    final List<String> messages = new ArrayList<>();
    final List<Consumer<Throwable>> waiting = new ArrayList<>();
    Integer closeCode;
    String closeReason;
    int pings;
    boolean aborted;
    private final boolean autoComplete;

    RecordingSink(boolean autoComplete) {
        this.autoComplete = autoComplete;
    }

    @Override
    public synchronized void sendAsync(String message, Consumer<Throwable> done) {
        messages.add(message);
        if (autoComplete) {
            done.accept(null); // inline completion, as a container may do when the socket has room
        } else {
            waiting.add(done);
        }
    }

    @Override
    public synchronized void close(int code, String reason) {
        closeCode = code;
        closeReason = reason;
    }

    @Override
    public synchronized void ping() {
        pings++;
    }

    @Override
    public synchronized void abort() {
        aborted = true;
    }

    void completeNext() {
        Consumer<Throwable> done;
        synchronized (this) {
            done = waiting.remove(0);
        }
        done.accept(null);
    }

    synchronized List<String> frames() {
        List<String> frames = new ArrayList<>();
        for (String message : messages) {
            frames.addAll(List.of(message.split("\n")));
        }
        return frames;
    }
}
