package dev.flowcast.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowcast.cluster.EventBatch;
import dev.flowcast.event.Event;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import dev.flowcast.delivery.frame.ServerFrames;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FanOutTest {

    private static final String T = "prices:acme";

    private final FakeHistory history = new FakeHistory();
    private final FanOut fanOut = new FanOut(history, DeliveryObserver.NONE);

    private record Client(Connection connection, RecordingSink sink) {
        List<JsonObject> frames() {
            return sink.frames().stream().map(f -> Json.createReader(new StringReader(f)).readObject()).toList();
        }

        List<String> summary() {
            return frames().stream().map(f -> switch (f.getString("type")) {
                case "event" -> "event " + f.getJsonNumber("seq");
                case "subscribed" -> "subscribed " + f.getJsonNumber("seq") + " " + f.getString("epoch");
                case "gap" -> "gap " + f.getJsonNumber("from") + ".." + f.getJsonNumber("to");
                default -> f.getString("type");
            }).toList();
        }
    }

    private final InlineWriter writer = new InlineWriter();

    private Client client(String id) {
        RecordingSink sink = new RecordingSink(true);
        Outbox outbox = new Outbox(sink, 10_000, 1 << 24, DeliveryObserver.NONE, writer);
        Connection connection = new Connection(id, id.hashCode(), outbox, null, new FrameRateLimiter(50, 0), 0);
        return new Client(connection, sink);
    }

    private Subscription subscribe(Client client, Long since, String epoch) {
        return subscribe(client, T, since, epoch);
    }

    private Subscription subscribe(Client client, String topic, Long since, String epoch) {
        Subscription subscription = client.connection().subscribe(topic, null);
        fanOut.reserveChannel(topic);
        fanOut.handle(List.of(new FanOutWork.Subscribe(subscription, since, epoch)));
        return subscription;
    }

    private void unsubscribe(Client client, String topic) {
        Subscription subscription = client.connection().forget(topic);
        client.connection().outbox().end(subscription, Chunk.control(ServerFrames.unsubscribed(topic)));
    }

    private void deliver(List<Event> events) {
        fanOut.handle(List.of(new FanOutWork.Deliver(new EventBatch(T, events))));
    }

    @Test
    void shouldAnswerSubscribedWithNewestSeq_thenDeliverLiveEventsInOrder() {
        history.append(T, 4);
        Client client = client("a");
        subscribe(client, null, null);
        deliver(history.append(T, 3));
        assertThat(client.summary()).containsExactly("subscribed 4 e1", "event 5", "event 6", "event 7");
        assertThat(fanOut.busiestTopics(10)).containsExactly(Map.entry(T, 1));
    }

    @Test
    void shouldSkipEventsAlreadyDelivered_noDuplicates() {
        Client client = client("a");
        subscribe(client, null, null);
        List<Event> batch = history.append(T, 3);
        deliver(batch);
        deliver(batch);
        assertThat(client.summary()).containsExactly("subscribed 0 e1", "event 1", "event 2", "event 3");
    }

    @Test
    void shouldFillAHoleFromHistory_whenABatchArrivesEarly() {
        Client client = client("a");
        subscribe(client, null, null);
        List<Event> first = history.append(T, 2);
        List<Event> second = history.append(T, 2);
        deliver(second); // e.g. sequenced on another member and faster on the bus
        deliver(first);
        assertThat(client.summary()).containsExactly("subscribed 0 e1", "event 1", "event 2", "event 3", "event 4");
    }

    @Test
    void shouldSendAGap_whenHistoryNoLongerHasTheHole() {
        Client client = client("a");
        subscribe(client, null, null);
        history.append(T, 5);
        history.evictThrough(T, 3);
        deliver(history.append(T, 1));
        assertThat(client.summary()).containsExactly("subscribed 0 e1", "gap 1..3", "event 4", "event 5", "event 6");
        assertThat(fanOut.gaps()).isEqualTo(1);
    }

    @Test
    void shouldReplayEventsAfterSince_thenContinueLive_withoutHoleOrDuplicate() {
        history.append(T, 10);
        Client client = client("a");
        subscribe(client, 7L, "e1");
        deliver(history.read(T, 9, 10)); // late duplicates of replayed events
        deliver(history.append(T, 2));
        assertThat(client.summary()).containsExactly(
                "subscribed 10 e1", "event 8", "event 9", "event 10", "event 11", "event 12");
    }

    @Test
    void shouldSendAGapFirst_whenSinceIsOlderThanHistory() {
        history.append(T, 10);
        history.evictThrough(T, 5);
        Client client = client("a");
        subscribe(client, 2L, "e1");
        assertThat(client.summary()).containsExactly(
                "subscribed 10 e1", "gap 3..5", "event 6", "event 7", "event 8", "event 9", "event 10");
    }

    @Test
    void shouldSendAGapFromOneToNewest_whenTheEpochIsWrong() {
        history.append(T, 4);
        history.setEpoch(T, "e2");
        Client client = client("a");
        subscribe(client, 2L, "e1");
        deliver(history.append(T, 1));
        assertThat(client.summary()).containsExactly("subscribed 4 e2", "gap 1..4", "event 5");
    }

    @Test
    void shouldStopDelivering_afterUnsubscribed_withoutAnyLaneWork() {
        Client client = client("a");
        Client other = client("b");
        subscribe(client, null, null);
        subscribe(other, null, null);
        deliver(history.append(T, 1));
        unsubscribe(client, T); // ends at once, in the outbox: nothing for the (possibly full) fan-out queue
        deliver(history.append(T, 1));
        assertThat(client.summary()).containsExactly("subscribed 0 e1", "event 1", "unsubscribed");
        assertThat(other.summary()).containsExactly("subscribed 0 e1", "event 1", "event 2");
        assertThat(fanOut.busiestTopics(10)).containsExactly(Map.entry(T, 1)); // dropped from the channel on the way
    }

    @Test
    void aChannelWhoseLastSubscriberLeft_isRemovedByPrune_andNoLongerWantsBatches() {
        Client client = client("a");
        subscribe(client, null, null);
        assertThat(fanOut.wants(T)).isTrue();
        client.connection().outbox().close();
        unsubscribe(client, T);
        assertThat(fanOut.topicsToPrune()).containsExactly(T);
        fanOut.handle(List.of(new FanOutWork.Prune(T)));
        assertThat(fanOut.wants(T)).isFalse();
        assertThat(fanOut.activeTopics()).isZero();
    }

    @Test
    void aSubscribeThatRunsAfterItsUnsubscribe_isSkipped() {
        Client client = client("a");
        Subscription subscription = client.connection().subscribe(T, null);
        unsubscribe(client, T);
        fanOut.handle(List.of(new FanOutWork.Subscribe(subscription, null, null)));
        deliver(history.append(T, 1));
        assertThat(client.summary()).containsExactly("unsubscribed");
    }

    @Test
    void oneFailingItem_doesNotStopTheRestOfItsBatch() {
        Client failing = client("a");
        Client fine = client("b");
        subscribe(fine, null, null);
        deliver(history.append(T, 3));
        history.failReads(T);
        Subscription resuming = failing.connection().subscribe(T, null);
        Subscription second = client("c").connection().subscribe(T, null);
        fanOut.handle(List.of(
                new FanOutWork.Subscribe(resuming, 1L, "e1"),   // its replay reads history: throws
                new FanOutWork.Subscribe(second, null, null),    // still handled
                new FanOutWork.Resync(T)));                      // throws too, alone
        assertThat(failing.summary()).containsExactly("subscribed 3 e1", "error");
        assertThat(resuming.isActive()).isFalse();
        assertThat(second.isActive()).isTrue();
        assertThat(fanOut.failures()).isEqualTo(2);
        assertThat(fanOut.busiestTopics(10)).containsExactly(Map.entry(T, 2));
    }

    @Test
    void shouldSendEverySubscriberTheSameEventFrame_withTheEventsIdAndData() {
        Client a = client("a");
        Client b = client("b");
        subscribe(a, null, null);
        subscribe(b, null, null);
        deliver(history.append(T, 1));
        assertThat(a.sink().frames().get(1)).isEqualTo(b.sink().frames().get(1));
        JsonObject event = a.frames().get(1);
        assertThat(event.getString("id")).isEqualTo("id1");
        assertThat(event.getJsonObject("data").getInt("seq")).isEqualTo(1);
    }

    @Test
    void whenTheTopicsHistoryRestartsUnderANewEpoch_liveSubscribersAreToldAndGetTheNewSeqs() {
        Client client = client("a");
        subscribe(client, null, null);
        deliver(history.append(T, 5));
        history.restart(T, "e2"); // its partition was lost: seq 1 again, new epoch
        List<Event> fresh = history.append(T, 2);
        fanOut.handle(List.of(new FanOutWork.Deliver(new EventBatch(T, "e2", fresh))));
        assertThat(client.summary()).containsExactly("subscribed 0 e1", "event 1", "event 2", "event 3", "event 4",
                "event 5", "subscribed 0 e2", "event 1", "event 2");
    }

    @Test
    void aResyncThatFindsANewEpoch_restartsTheChannelToo() {
        Client client = client("a");
        subscribe(client, null, null);
        deliver(history.append(T, 3));
        history.restart(T, "e2");
        history.append(T, 1);
        fanOut.handle(List.of(new FanOutWork.Resync(T)));
        assertThat(client.summary()).containsExactly("subscribed 0 e1", "event 1", "event 2", "event 3",
                "subscribed 0 e2", "event 1");
    }

    @Test
    void shouldCatchUpFromHistory_onResync() {
        Client client = client("a");
        subscribe(client, null, null);
        history.append(T, 3); // lost on the bus
        fanOut.handle(List.of(new FanOutWork.Resync(T)));
        assertThat(client.summary()).containsExactly("subscribed 0 e1", "event 1", "event 2", "event 3");
    }

    @Test
    void shouldRankTopicsBySubscribers_busiestFirst() {
        Client a = client("a");
        Client b = client("b");
        subscribe(a, null, null); // T: two subscribers
        subscribe(b, null, null);
        subscribe(a, "other", null, null);
        assertThat(fanOut.busiestTopics(10)).containsExactly(Map.entry(T, 2), Map.entry("other", 1));
        assertThat(fanOut.busiestTopics(1)).containsOnlyKeys(T);
    }

    @Test
    void shouldForgetEndedSubscriptions_whenItNextDelivers() {
        Client client = client("a");
        Subscription subscription = subscribe(client, null, null);
        client.connection().outbox().end(subscription, null); // e.g. the connection closed
        deliver(history.append(T, 1));
        assertThat(fanOut.busiestTopics(10)).isEmpty();
    }
}
