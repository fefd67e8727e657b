package dev.flowcast.delivery;

import dev.flowcast.cluster.EventBus;
import dev.flowcast.cluster.HistoryReader;
import dev.flowcast.cluster.TopicPosition;
import dev.flowcast.delivery.frame.ErrorCode;
import dev.flowcast.delivery.frame.FrameError;
import dev.flowcast.delivery.frame.ServerFrames;
import dev.flowcast.event.Event;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Fans each topic's events out to its local subscriptions, in seq order, with no hole and no duplicate: the
 * handler of the fan-out stage, whose lanes are keyed by topic, so all work of one topic runs here one batch at a
 * time.
 *
 * <p>Each channel keeps a cursor, the last seq it fanned out. An event at or below the cursor was already delivered
 * (it came through history first) and is skipped; an event beyond cursor + 1 means batches were missed (lost on
 * the bus, refused by a full queue, or numbered on another member and still in flight): the missing range is read
 * from the topic's history, and whatever is no longer there becomes a {@code gap}. A batch of events is encoded once,
 * into one {@link Chunk}, and that chunk is queued to every subscriber's outbox: the writes themselves happen on the
 * outbox writers, so one hot topic's lane only pays a queue insert per subscriber per batch.
 *
 * <p>Each work item is handled on its own: an exception (a history read timing out, a bad range) is logged and
 * the rest of the batch still runs, so no subscribe goes unanswered because another item failed.
 *
 * <p>Threading: {@link #handle} is called by the stage, never concurrently for one topic; the other methods may be
 * called from any thread.
 */
public final class FanOut {

    private static final Logger LOG = Logger.getLogger(FanOut.class.getName());

    private final ConcurrentHashMap<String, TopicChannel> channels = new ConcurrentHashMap<>();
    private final HistoryReader history;
    private final DeliveryObserver observer;
    private final LongAdder gaps = new LongAdder();
    private final LongAdder failures = new LongAdder();

    public FanOut(HistoryReader history, DeliveryObserver observer) {
        this.history = history;
        this.observer = observer;
    }

    /** Handles one lane batch: work items of a single topic, in order, each isolated from the others' failures. */
    public void handle(List<FanOutWork> batch) {
        for (FanOutWork work : batch) {
            try {
                if (work instanceof FanOutWork.Deliver deliver) {
                    deliver(deliver);
                } else if (work instanceof FanOutWork.Subscribe subscribe) {
                    subscribe(subscribe);
                } else if (work instanceof FanOutWork.Resync resync) {
                    resync(resync.topic());
                } else if (work instanceof FanOutWork.Prune prune) {
                    prune(prune.topic());
                }
            } catch (RuntimeException e) {
                failures.increment();
                LOG.log(Level.WARNING, "fan-out of " + work + " failed; the lane goes on", e);
                if (work instanceof FanOutWork.Subscribe subscribe) {
                    refuse(subscribe.subscription());
                }
            }
        }
    }

    /**
     * Makes sure the topic has a channel before its subscribe work is queued, so that bus batches arriving
     * meanwhile are not skipped for want of one (the subscribe reads the history's position after they were
     * appended, or they reach the channel). No remote call; any thread.
     */
    void reserveChannel(String topic) {
        channels.computeIfAbsent(topic, TopicChannel::new);
    }

    /** True when this member has a channel for the topic: batches of other topics need not enter the stage. */
    public boolean wants(String topic) {
        return channels.containsKey(topic);
    }

    /** Topics with a channel in one bus partition: those to re-read after a loss on it. */
    public List<String> topicsOfPartition(int partition) {
        List<String> topics = new ArrayList<>();
        for (String topic : channels.keySet()) {
            if (EventBus.partitionOf(topic) == partition) {
                topics.add(topic);
            }
        }
        return topics;
    }

    /** Topics whose channel holds ended subscriptions or none at all: those a prune would clean up. */
    public List<String> topicsToPrune() {
        List<String> topics = new ArrayList<>();
        for (TopicChannel channel : channels.values()) {
            if (channel.isEmpty() || channel.hasEnded()) {
                topics.add(channel.topic());
            }
        }
        return topics;
    }

    /**
     * The {@code limit} topics with the most subscribers on this member, busiest first (ties by name). Reads each
     * channel's subscriber count (a volatile array length); meant for the once-a-second stats snapshot.
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

    /** Work items that threw so far (each logged). */
    public long failures() {
        return failures.sum();
    }

    /** Topics with a channel on this member. */
    public int activeTopics() {
        return channels.size();
    }

    // ---- work ----

    private void deliver(FanOutWork.Deliver deliver) {
        TopicChannel channel = channels.get(deliver.topic());
        if (channel == null || !channel.isOpen() || channel.isEmpty()) {
            return; // nobody here listens to this topic (yet)
        }
        if (restartedElsewhere(channel, deliver.batch().epoch())) {
            channel.restart(deliver.batch().epoch(), 0);
            announceRestart(channel);
        }
        List<Event> events = deliver.batch().events();
        int from = 0;
        while (from < events.size() && events.get(from).seq() <= channel.cursor()) {
            from++; // delivered already, from history
        }
        if (from == events.size()) {
            return;
        }
        long first = events.get(from).seq();
        if (first > channel.cursor() + 1) {
            catchUp(channel, first - 1);
        }
        List<Event> fresh = from == 0 ? events : events.subList(from, events.size());
        toAll(channel, Chunk.events(fresh));
        channel.advanceTo(fresh.get(fresh.size() - 1).seq());
    }

    /** Delivers what history still has of (cursor, upTo], and a gap for what it lost. */
    private void catchUp(TopicChannel channel, long upTo) {
        long from = channel.cursor() + 1;
        List<Event> retained = history.read(channel.topic(), from, upTo);
        long next = from;
        int runStart = 0;
        for (int i = 0; i < retained.size(); i++) {
            Event event = retained.get(i);
            if (event.seq() > next) {
                if (i > runStart) {
                    toAll(channel, Chunk.events(retained.subList(runStart, i)));
                }
                gapToAll(channel, next, event.seq() - 1);
                runStart = i;
            }
            next = event.seq() + 1;
        }
        if (runStart < retained.size()) {
            toAll(channel, Chunk.events(retained.subList(runStart, retained.size())));
        }
        if (next <= upTo) {
            gapToAll(channel, next, upTo);
        }
        channel.advanceTo(upTo);
    }

    private void toAll(TopicChannel channel, Chunk chunk) {
        boolean someoneLeft = false;
        for (Subscription subscriber : channel.subscribers()) {
            if (!subscriber.deliver(chunk)) {
                someoneLeft = true;
            }
        }
        if (someoneLeft) {
            // ended since they joined (unsubscribed, cut, closed): drop them now rather than at the next prune
            channel.pruneEnded();
        }
    }

    private void gapToAll(TopicChannel channel, long from, long to) {
        Chunk gap = Chunk.control(ServerFrames.gap(channel.topic(), from, to));
        for (Subscription subscriber : channel.subscribers()) {
            if (subscriber.deliver(gap)) {
                countGap();
            }
        }
    }

    private void subscribe(FanOutWork.Subscribe work) {
        Subscription subscription = work.subscription();
        if (!subscription.isActive()) {
            return; // unsubscribed or gone before this ran: its answer was already queued
        }
        String topic = subscription.topic();
        TopicChannel channel = channels.get(topic);
        if (channel == null) { // pruned between the reservation and now; only this lane writes the entry
            channel = new TopicChannel(topic);
            channels.put(topic, channel);
        }
        if (!channel.isOpen()) {
            // outside computeIfAbsent on purpose: the read may wait for the cluster
            TopicPosition position = history.position(topic);
            channel.open(position.newestSeq(), position.epoch());
        }
        long newest = channel.cursor();
        String epoch = channel.epoch();
        if (!subscription.deliver(Chunk.control(ServerFrames.subscribed(topic, newest, epoch)))) {
            return;
        }
        if (subscription.joined()) {
            return; // a repeated subscribe: answered, nothing to replay
        }
        if (work.since() != null) {
            replay(subscription, work.since(), work.epoch(), epoch, newest);
        }
        channel.add(subscription);
        subscription.join();
    }

    /** Sends the events a resuming client missed, (since, newest], or the gap where history lost them. */
    private void replay(Subscription subscription, long since, String clientEpoch, String epoch, long newest) {
        String topic = subscription.topic();
        if (clientEpoch != null && !clientEpoch.equals(epoch)) {
            if (newest >= 1) {
                gapTo(subscription, 1, newest);
            }
            return;
        }
        if (since >= newest) {
            return;
        }
        long next = since + 1;
        List<Event> retained = history.read(topic, next, newest);
        int runStart = 0;
        for (int i = 0; i < retained.size(); i++) {
            Event event = retained.get(i);
            if (event.seq() > next) {
                if (i > runStart) {
                    subscription.deliver(Chunk.events(retained.subList(runStart, i)));
                }
                gapTo(subscription, next, event.seq() - 1);
                runStart = i;
            }
            next = event.seq() + 1;
        }
        if (runStart < retained.size()) {
            subscription.deliver(Chunk.events(retained.subList(runStart, retained.size())));
        }
        if (next <= newest) {
            gapTo(subscription, next, newest);
        }
    }

    private void gapTo(Subscription subscription, long from, long to) {
        if (subscription.deliver(Chunk.control(ServerFrames.gap(subscription.topic(), from, to)))) {
            countGap();
        }
    }

    private void countGap() {
        gaps.increment();
        observer.gap();
    }

    /** A subscribe that failed: tell the client to try again rather than leave it waiting. */
    private static void refuse(Subscription subscription) {
        Connection connection = subscription.connection();
        connection.forgetIfSame(subscription);
        connection.outbox().end(subscription, Chunk.control(ServerFrames.error(new FrameError(ErrorCode.UNAVAILABLE,
                "the server could not complete this subscribe; subscribe again", subscription.topic()))));
    }

    private void resync(String topic) {
        TopicChannel channel = channels.get(topic);
        if (channel == null || !channel.isOpen()) {
            return;
        }
        TopicPosition position = history.position(topic);
        if (restartedElsewhere(channel, position.epoch())) {
            channel.restart(position.epoch(), 0);
            announceRestart(channel);
        }
        if (position.newestSeq() > channel.cursor()) {
            catchUp(channel, position.newestSeq());
        }
    }

    /** True when the history now has another epoch than the channel knew: it was lost, and restarted at seq 1. */
    private static boolean restartedElsewhere(TopicChannel channel, String epoch) {
        return epoch != null && channel.epoch() != null && !epoch.equals(channel.epoch());
    }

    /**
     * Tells every subscriber that the topic's history restarted: a fresh {@code subscribed} with the new epoch and
     * seq 0, after which the new history's events follow from seq 1. (A cursor left at the old seqs would skip them
     * as "already delivered"; a resuming client's old epoch gets a gap the usual way.)
     */
    private void announceRestart(TopicChannel channel) {
        Chunk subscribed = Chunk.control(ServerFrames.subscribed(channel.topic(), 0, channel.epoch()));
        for (Subscription subscriber : channel.subscribers()) {
            subscriber.deliver(subscribed);
        }
    }

    private void prune(String topic) {
        TopicChannel channel = channels.get(topic);
        if (channel == null) {
            return;
        }
        channel.pruneEnded();
        if (channel.isEmpty()) {
            channels.remove(topic, channel);
        }
    }
}
