package dev.flowcast.delivery;

import dev.flowcast.cluster.EventBus;
import dev.flowcast.cluster.HistoryReader;
import dev.flowcast.cluster.TopicPosition;
import dev.flowcast.delivery.frame.ServerFrames;
import dev.flowcast.event.Event;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Fans each topic's events out to its local subscribers, in seq order, with no hole and no duplicate.
 *
 * <p>It is the handler of the fan-out stage, whose lanes are keyed by topic: all work of one topic runs here
 * one batch at a time. Each channel keeps a cursor, the last seq it fanned out. An event at or below the
 * cursor was already delivered (it came through history first) and is skipped; an event beyond cursor + 1
 * means batches were missed (lost on the bus, or sequenced on another member and still in flight): the
 * missing range is read from the topic's history, and whatever is no longer there becomes a {@code gap}.
 * Each event is encoded once; the same frame goes to every subscriber's outbox.
 *
 * <p>Threading: {@link #handle} is called by the stage, never concurrently for one topic; the counters
 * may be read from any thread.
 */
public final class FanOut {

    private final ConcurrentHashMap<String, TopicChannel> channels = new ConcurrentHashMap<>();
    private final HistoryReader history;
    private final DeliveryObserver observer;
    private final LongAdder gaps = new LongAdder();
    private final AtomicInteger subscriptions = new AtomicInteger();

    public FanOut(HistoryReader history, DeliveryObserver observer) {
        this.history = history;
        this.observer = observer;
    }

    /** Handles one lane batch: work items of a single topic, in order. */
    public void handle(List<FanOutWork> batch) {
        for (FanOutWork work : batch) {
            if (work instanceof FanOutWork.Deliver deliver) {
                deliver(deliver);
            } else if (work instanceof FanOutWork.Subscribe subscribe) {
                subscribe(subscribe);
            } else if (work instanceof FanOutWork.Unsubscribe unsubscribe) {
                unsubscribe(unsubscribe);
            } else if (work instanceof FanOutWork.Resync resync) {
                resync(resync.topic());
            }
        }
    }

    /** Topics with local subscribers in one bus partition: those to re-read after a loss on it. */
    public List<String> topicsOfPartition(int partition) {
        List<String> topics = new ArrayList<>();
        for (String topic : channels.keySet()) {
            if (EventBus.partitionOf(topic) == partition) {
                topics.add(topic);
            }
        }
        return topics;
    }

    /**
     * The {@code limit} topics with the most subscribers on this member, busiest first (ties by name). Reads
     * each channel's subscriber count (a volatile array length); meant for the once-a-second stats snapshot.
     */
    public Map<String, Integer> busiestTopics(int limit) {
        Map<String, Integer> busiest = new LinkedHashMap<>();
        channels.values().stream()
                .map(channel -> Map.entry(channel.topic(), channel.size())) // sizes read once: they change under us
                .filter(entry -> entry.getValue() > 0)
                .sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .limit(limit)
                .forEach(entry -> busiest.put(entry.getKey(), entry.getValue()));
        return busiest;
    }

    /** Gap frames sent to clients so far. */
    public long gaps() {
        return gaps.sum();
    }

    /** Subscriptions held on this member. */
    public int subscriptions() {
        return subscriptions.get();
    }

    /** Topics with at least one local subscriber. */
    public int activeTopics() {
        return channels.size();
    }

    private void deliver(FanOutWork.Deliver deliver) {
        TopicChannel channel = channels.get(deliver.topic());
        if (channel == null) {
            return; // nobody here listens to this topic
        }
        for (Event event : deliver.batch().events()) {
            advance(channel, event);
        }
    }

    private void advance(TopicChannel channel, Event event) {
        long seq = event.seq();
        if (seq <= channel.cursor()) {
            return; // delivered already, from history
        }
        if (seq > channel.cursor() + 1) {
            catchUp(channel, seq - 1);
        }
        send(channel, event);
    }

    /** Delivers what history still has of (cursor, upTo], and a gap for what it lost. */
    private void catchUp(TopicChannel channel, long upTo) {
        long from = channel.cursor() + 1;
        List<Event> retained = history.read(channel.topic(), from, upTo);
        long next = from;
        for (Event event : retained) {
            if (event.seq() > next) {
                gapToAll(channel, next, event.seq() - 1);
            }
            send(channel, event);
            next = event.seq() + 1;
        }
        if (next <= upTo) {
            gapToAll(channel, next, upTo);
            channel.advanceTo(upTo);
        }
    }

    private void send(TopicChannel channel, Event event) {
        OutFrame frame = new OutFrame(ServerFrames.event(event), event.acceptedMicros());
        boolean someoneClosed = false;
        for (Connection subscriber : channel.subscribers()) {
            if (!subscriber.outbox().offer(frame)) {
                someoneClosed = true;
            }
        }
        channel.advanceTo(event.seq());
        if (someoneClosed) {
            // Normally the endpoint's Unsubscribe on close removes them; this covers a close whose
            // clean-up work could not be queued, and slow consumers cut just now.
            subscriptions.addAndGet(-channel.pruneClosed());
        }
    }

    private void gapToAll(TopicChannel channel, long from, long to) {
        String gap = ServerFrames.gap(channel.topic(), from, to);
        for (Connection subscriber : channel.subscribers()) {
            subscriber.send(gap);
            countGap();
        }
    }

    private void subscribe(FanOutWork.Subscribe subscribe) {
        Connection connection = subscribe.connection();
        String topic = subscribe.topic();
        if (!connection.isOpen() || !connection.topics().contains(topic)) {
            return; // gone, or unsubscribed again before this ran
        }
        TopicChannel channel = channels.get(topic);
        TopicPosition position = null;
        if (channel == null) { // the history read stays outside computeIfAbsent: it may wait for the cluster
            position = history.position(topic);
            channel = new TopicChannel(topic, position.newestSeq());
            channels.put(topic, channel); // only this topic's lane writes its entry
        }
        String epoch = position != null ? position.epoch() : history.position(topic).epoch();
        long newest = channel.cursor();
        boolean alreadySubscribed = channel.contains(connection);
        connection.send(ServerFrames.subscribed(topic, newest, epoch));
        if (!alreadySubscribed) {
            if (subscribe.since() != null) {
                replay(connection, topic, subscribe.since(), subscribe.epoch(), epoch, newest);
            }
            channel.add(connection);
            subscriptions.incrementAndGet();
        }
    }

    /** Sends the events a resuming client missed, (since, newest], or the gap where history lost them. */
    private void replay(Connection connection, String topic, long since, String clientEpoch, String epoch, long newest) {
        if (clientEpoch != null && !clientEpoch.equals(epoch)) {
            if (newest >= 1) {
                gapTo(connection, topic, 1, newest);
            }
            return;
        }
        if (since >= newest) {
            return;
        }
        long next = since + 1;
        for (Event event : history.read(topic, next, newest)) {
            if (event.seq() > next) {
                gapTo(connection, topic, next, event.seq() - 1);
            }
            connection.outbox().offer(new OutFrame(ServerFrames.event(event), event.acceptedMicros()));
            next = event.seq() + 1;
        }
        if (next <= newest) {
            gapTo(connection, topic, next, newest);
        }
    }

    private void gapTo(Connection connection, String topic, long from, long to) {
        connection.send(ServerFrames.gap(topic, from, to));
        countGap();
    }

    private void countGap() {
        gaps.increment();
        observer.gap();
    }

    private void unsubscribe(FanOutWork.Unsubscribe unsubscribe) {
        String topic = unsubscribe.topic();
        TopicChannel channel = channels.get(topic);
        if (channel != null) {
            if (channel.remove(unsubscribe.connection())) {
                subscriptions.decrementAndGet();
            }
            if (channel.isEmpty()) {
                channels.remove(topic);
            }
        }
        if (unsubscribe.answer()) {
            unsubscribe.connection().send(ServerFrames.unsubscribed(topic));
        }
    }

    private void resync(String topic) {
        TopicChannel channel = channels.get(topic);
        if (channel == null) {
            return;
        }
        long newest = history.position(topic).newestSeq();
        if (newest > channel.cursor()) {
            catchUp(channel, newest);
        }
    }
}
