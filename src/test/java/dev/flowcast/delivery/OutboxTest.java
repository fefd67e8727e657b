package dev.flowcast.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowcast.delivery.frame.ServerFrames;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OutboxTest {

    private final AtomicInteger delivered = new AtomicInteger();
    private final AtomicInteger cut = new AtomicInteger();
    private final InlineWriter writer = new InlineWriter();
    private final DeliveryObserver observer = new DeliveryObserver() {
        @Override
        public void delivered(Chunk chunk, long nowMicros) {
            delivered.addAndGet(chunk.events());
        }

        @Override
        public void slowConsumerCut() {
            cut.incrementAndGet();
        }

        @Override
        public void gap() {
        }
    };

    /** A one-frame chunk that counts as an event (accept time 1 µs after the epoch). */
    private static Chunk event(int n) {
        return Chunk.events(List.of(new dev.flowcast.event.Event("id" + n, "t", "{\"n\":" + n + "}", 1, n + 1)));
    }

    private static String text(int n) {
        return event(n).text();
    }

    private Outbox outbox(RecordingSink sink, int maxFrames, long maxBytes) {
        return new Outbox(sink, maxFrames, maxBytes, observer, writer);
    }

    @Test
    void shouldSendEachFrameAtOnceWhenTheSocketKeepsUp() {
        RecordingSink sink = new RecordingSink(true);
        Outbox outbox = outbox(sink, 10, 1 << 20);
        for (int i = 1; i <= 1000; i++) {
            assertThat(outbox.offer(event(i))).isTrue();
        }
        assertThat(sink.messages).hasSize(1000); // inline completions loop, no recursion, no packing needed
        assertThat(delivered.get()).isEqualTo(1000);
    }

    @Test
    void shouldPackWaitingFramesIntoOneMessage_oneFramePerLine_inOrder() {
        RecordingSink sink = new RecordingSink(false);
        Outbox outbox = outbox(sink, 100, 1 << 20);
        for (int i = 1; i <= 5; i++) {
            outbox.offer(event(i));
        }
        assertThat(sink.messages).containsExactly(text(1)); // one send in flight
        sink.completeNext();
        assertThat(sink.messages).hasSize(2);
        assertThat(sink.messages.get(1)).isEqualTo(text(2) + "\n" + text(3) + "\n" + text(4) + "\n" + text(5));
        sink.completeNext();
        assertThat(delivered.get()).isEqualTo(5);
        assertThat(outbox.pendingFrames()).isZero();
        assertThat(outbox.pendingBytes()).isZero();
    }

    @Test
    void shouldCutASlowConsumerWith1008_whenMaxPendingFramesIsExceeded_andCountIt() {
        RecordingSink sink = new RecordingSink(false);
        Outbox outbox = outbox(sink, 3, 1 << 20);
        outbox.offer(event(0)); // in flight, never completes
        assertThat(outbox.offer(event(1))).isTrue();
        assertThat(outbox.offer(event(2))).isTrue();
        assertThat(outbox.offer(event(3))).isTrue();
        assertThat(outbox.offer(event(4))).isFalse();
        assertThat(sink.closeCode).isEqualTo(1008);
        assertThat(sink.closeReason).isEqualTo("slow consumer");
        assertThat(cut.get()).isEqualTo(1);
        assertThat(outbox.isClosed()).isTrue();
        assertThat(outbox.isClosedByServer()).isTrue();
        assertThat(outbox.offer(event(5))).isFalse();
        assertThat(cut.get()).isEqualTo(1);
    }

    @Test
    void shouldCutASlowConsumer_whenMaxPendingBytesIsExceeded_beforeTheFrameCount() {
        RecordingSink sink = new RecordingSink(false);
        int size = event(1).bytes();
        Outbox outbox = outbox(sink, 1000, 3L * size);
        outbox.offer(event(0)); // in flight
        assertThat(outbox.offer(event(1))).isTrue();
        assertThat(outbox.offer(event(2))).isTrue();
        assertThat(outbox.offer(event(3))).isTrue();
        assertThat(outbox.pendingBytes()).isEqualTo(3L * size);
        assertThat(outbox.offer(event(4))).isFalse();
        assertThat(sink.closeCode).isEqualTo(1008);
        assertThat(cut.get()).isEqualTo(1);
    }

    @Test
    void shouldCountBytesInUtf8() {
        assertThat(Chunk.control("é€😀").bytes()).isEqualTo(2 + 3 + 4);
        assertThat(Chunk.control("plain").bytes()).isEqualTo(5);
    }

    @Test
    void shouldCountOnlyEventFramesAsDeliveries() {
        RecordingSink sink = new RecordingSink(true);
        Outbox outbox = outbox(sink, 10, 1 << 20);
        outbox.offer(Chunk.control("{\"type\":\"pong\"}"));
        outbox.offer(event(1));
        assertThat(delivered.get()).isEqualTo(1);
    }

    @Test
    void shouldFlushQueuedFramesBeforeClosingAfterFlush() {
        RecordingSink sink = new RecordingSink(false);
        Outbox outbox = outbox(sink, 10, 1 << 20);
        outbox.offer(event(1));
        outbox.offer(event(2));
        outbox.closeAfterFlush(1001, "server shutting down");
        assertThat(outbox.offer(event(3))).isFalse();
        assertThat(sink.closeCode).isNull();
        sink.completeNext();
        sink.completeNext();
        assertThat(sink.frames()).containsExactly(text(1), text(2));
        assertThat(sink.closeCode).isEqualTo(1001);
    }

    @Test
    void closeNow_dropsWhatWaits_andClosesAtOnce() {
        RecordingSink sink = new RecordingSink(false);
        Outbox outbox = outbox(sink, 10, 1 << 20);
        outbox.offer(event(1)); // in flight
        outbox.offer(event(2));
        outbox.closeNow(1001, "ping timeout");
        assertThat(sink.closeCode).isEqualTo(1001);
        assertThat(outbox.pendingFrames()).isZero();
        sink.completeNext();
        assertThat(sink.messages).containsExactly(text(1)); // nothing more is written
    }

    @Test
    void afterASubscriptionEnds_noFrameOfItIsQueued_andItsAnswerComesAfterItsLastFrame() {
        RecordingSink sink = new RecordingSink(false);
        Outbox outbox = outbox(sink, 100, 1 << 20);
        Connection connection = new Connection("c", 1, outbox, null, new FrameRateLimiter(50, 0), 0);
        Subscription subscription = connection.subscribe("t", null);
        assertThat(subscription.deliver(event(1))).isTrue();
        assertThat(subscription.deliver(event(2))).isTrue();
        outbox.end(subscription, Chunk.control(ServerFrames.unsubscribed("t")));
        assertThat(subscription.isActive()).isFalse();
        assertThat(subscription.deliver(event(3))).isFalse();
        sink.completeNext();
        sink.completeNext();
        assertThat(sink.frames()).containsExactly(text(1), text(2), ServerFrames.unsubscribed("t"));
    }

    @Test
    void aPingIsSentWhileOpen_andNotAfterClose() {
        RecordingSink sink = new RecordingSink(true);
        Outbox outbox = outbox(sink, 10, 1 << 20);
        outbox.ping();
        outbox.close();
        outbox.ping();
        assertThat(sink.pings).isEqualTo(1);
    }

    @Test
    void reportsHowLongTheMessageWithTheSocketHasBeenWaiting() {
        RecordingSink sink = new RecordingSink(false);
        Outbox outbox = outbox(sink, 10, 1 << 20);
        assertThat(outbox.writingForNanos(System.nanoTime())).isZero();
        outbox.offer(event(1));
        assertThat(outbox.writingForNanos(System.nanoTime() + 5_000_000_000L)).isGreaterThanOrEqualTo(4_000_000_000L);
        sink.completeNext();
        assertThat(outbox.writingForNanos(System.nanoTime())).isZero();
    }

    @Test
    void shouldKeepOrderWhenManyThreadsOfferAtOnce() throws Exception {
        RecordingSink sink = new RecordingSink(true);
        Outbox outbox = outbox(sink, 1_000_000, 1L << 40);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            Thread producer = new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    outbox.offer(Chunk.control(thread + ":" + i));
                }
            });
            producer.start();
            threads.add(producer);
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
