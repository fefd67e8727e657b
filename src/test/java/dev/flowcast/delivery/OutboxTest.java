package dev.flowcast.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OutboxTest {

    private final AtomicInteger delivered = new AtomicInteger();
    private final AtomicInteger cut = new AtomicInteger();
    private final DeliveryObserver observer = new DeliveryObserver() {
        @Override
        public void delivered(long latencyMicros) {
            delivered.incrementAndGet();
        }

        @Override
        public void slowConsumerCut() {
            cut.incrementAndGet();
        }

        @Override
        public void gap() {
        }
    };

    private static OutFrame event(int n) {
        return new OutFrame("{\"n\":" + n + "}", 1);
    }

    @Test
    void shouldSendEachFrameAtOnceWhenTheSocketKeepsUp() {
        RecordingSink sink = new RecordingSink(true);
        Outbox outbox = new Outbox(sink, 10, observer);
        for (int i = 1; i <= 1000; i++) {
            assertThat(outbox.offer(event(i))).isTrue();
        }
        assertThat(sink.messages).hasSize(1000); // inline completions loop, no recursion, no packing needed
        assertThat(delivered.get()).isEqualTo(1000);
    }

    @Test
    void shouldPackWaitingFramesIntoOneMessage_oneFramePerLine_inOrder() {
        RecordingSink sink = new RecordingSink(false);
        Outbox outbox = new Outbox(sink, 100, observer);
        for (int i = 1; i <= 5; i++) {
            outbox.offer(event(i));
        }
        assertThat(sink.messages).containsExactly("{\"n\":1}"); // one send in flight
        sink.completeNext();
        assertThat(sink.messages).hasSize(2);
        assertThat(sink.messages.get(1)).isEqualTo("{\"n\":2}\n{\"n\":3}\n{\"n\":4}\n{\"n\":5}");
        sink.completeNext();
        assertThat(delivered.get()).isEqualTo(5);
        assertThat(outbox.pending()).isZero();
    }

    @Test
    void shouldCutASlowConsumerWith1008_whenMaxPendingIsExceeded_andCountIt() {
        RecordingSink sink = new RecordingSink(false);
        Outbox outbox = new Outbox(sink, 3, observer);
        outbox.offer(event(0)); // in flight, never completes
        assertThat(outbox.offer(event(1))).isTrue();
        assertThat(outbox.offer(event(2))).isTrue();
        assertThat(outbox.offer(event(3))).isTrue();
        assertThat(outbox.offer(event(4))).isFalse();
        assertThat(sink.closeCode).isEqualTo(1008);
        assertThat(sink.closeReason).isEqualTo("slow consumer");
        assertThat(cut.get()).isEqualTo(1);
        assertThat(outbox.isClosed()).isTrue();
        assertThat(outbox.offer(event(5))).isFalse();
        assertThat(cut.get()).isEqualTo(1);
    }

    @Test
    void shouldCountOnlyEventFramesAsDeliveries() {
        RecordingSink sink = new RecordingSink(true);
        Outbox outbox = new Outbox(sink, 10, observer);
        outbox.offer(OutFrame.control("{\"type\":\"pong\"}"));
        outbox.offer(event(1));
        assertThat(delivered.get()).isEqualTo(1);
    }

    @Test
    void shouldFlushQueuedFramesBeforeClosingAfterFlush() {
        RecordingSink sink = new RecordingSink(false);
        Outbox outbox = new Outbox(sink, 10, observer);
        outbox.offer(event(1));
        outbox.offer(event(2));
        outbox.closeAfterFlush(1001, "server shutting down");
        assertThat(outbox.offer(event(3))).isFalse();
        assertThat(sink.closeCode).isNull();
        sink.completeNext();
        sink.completeNext();
        assertThat(sink.frames()).containsExactly("{\"n\":1}", "{\"n\":2}");
        assertThat(sink.closeCode).isEqualTo(1001);
    }

    @Test
    void shouldKeepOrderWhenManyThreadsOfferAtOnce() throws Exception {
        RecordingSink sink = new RecordingSink(true);
        Outbox outbox = new Outbox(sink, 1_000_000, observer);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            Thread writer = new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    outbox.offer(new OutFrame(thread + ":" + i, 1));
                }
            });
            writer.start();
            threads.add(writer);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        List<String> frames = sink.frames();
        assertThat(frames).hasSize(40_000);
        int[] last = {-1, -1, -1, -1};
        for (String frame : frames) {
            int thread = frame.charAt(0) - '0';
            int n = Integer.parseInt(frame.substring(2));
            assertThat(n).isEqualTo(last[thread] + 1);
            last[thread] = n;
        }
    }
}
