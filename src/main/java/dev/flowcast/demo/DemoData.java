package dev.flowcast.demo;

import dev.flowcast.event.JsonP;
import java.util.Random;

/**
 * Generates the demo feed's events: a random walk of a few stock prices, a counter, and chat lines.
 *
 * <p>Not thread-safe: one scheduled task owns an instance.
 */
final class DemoData {

    static final String PRICES = "public:demo.prices";
    static final String COUNTER = "public:demo.counter";
    static final String CHAT = "public:demo.chat";

    private static final String[] SYMBOLS = {"ACME", "GLOBX", "INITECH", "UMBRL", "WAYNE"};
    private static final String[] USERS = {"ada", "grace", "linus", "barbara", "ken"};
    private static final String[] LINES = {
        "deploy went fine", "who broke the build?", "p99 looks good today", "coffee?", "merging now",
        "the queue is draining", "all green", "retrying with back-off", "lunch in 10", "ship it"};

    private final Random random;
    private final double[] prices = {101.5, 54.2, 12.8, 230.0, 77.7};
    private long count;
    private long tick;

    DemoData(long seed) {
        this.random = new Random(seed);
    }

    /** The next event as {topic, compact JSON}: mostly prices, every 5th tick a counter, every 20th a chat line. */
    String[] next() {
        tick++;
        if (tick % 20 == 0) {
            return new String[] {CHAT, chat()};
        }
        if (tick % 5 == 0) {
            return new String[] {COUNTER, JsonP.PROVIDER.createObjectBuilder().add("count", ++count).build().toString()};
        }
        return new String[] {PRICES, price()};
    }

    private String price() {
        int i = random.nextInt(SYMBOLS.length);
        double change = prices[i] * (random.nextGaussian() * 0.002);
        prices[i] = Math.max(0.01, prices[i] + change);
        return JsonP.PROVIDER.createObjectBuilder()
                .add("symbol", SYMBOLS[i])
                .add("price", Math.round(prices[i] * 100) / 100.0)
                .add("change", Math.round(change * 1000) / 1000.0)
                .build().toString();
    }

    private String chat() {
        return JsonP.PROVIDER.createObjectBuilder()
                .add("user", USERS[random.nextInt(USERS.length)])
                .add("text", LINES[random.nextInt(LINES.length)])
                .build().toString();
    }
}
