package dev.flowcast.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Slows down password guessing on the admin login: a client (a remote address) that fails
 * {@link #MAX_FAILURES} times within {@link #WINDOW} is refused for {@link #LOCKOUT}, whatever it sends, the right
 * password included. Other clients are not affected, and a successful login clears the client's failures.
 *
 * <p>Bounded: at most {@link #MAX_CLIENTS} clients are remembered; past that the one seen least recently is
 * forgotten, so an attacker cycling through addresses costs a fixed amount of memory (and, with enough addresses,
 * can evade a per-address limit anyway: that is what the password's strength is for). IPv6 clients count per /64,
 * the block one subscriber usually holds, so walking through one's own prefix does not reset the count.
 *
 * <p>Threading: every method is {@code synchronized}; logins are rare, so one lock is cheap enough.
 */
public final class LoginThrottle {

    /** Failed attempts within {@link #WINDOW} that lock a client out. */
    public static final int MAX_FAILURES = 10;
    /** How long failures are remembered. */
    public static final Duration WINDOW = Duration.ofMinutes(5);
    /** How long a locked-out client is refused. */
    public static final Duration LOCKOUT = Duration.ofMinutes(5);
    /** Clients remembered at most. */
    public static final int MAX_CLIENTS = 10_000;

    private static final Pattern IPV6 = Pattern.compile("\\[?[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*(%[\\w.-]+)?]?");

    private final int maxFailures;
    private final Duration window;
    private final Duration lockout;
    private final Clock clock;
    private final Map<String, Record> clients;

    /** The production limits. */
    public LoginThrottle() {
        this(MAX_FAILURES, WINDOW, LOCKOUT, MAX_CLIENTS, Clock.systemUTC());
    }

    public LoginThrottle(int maxFailures, Duration window, Duration lockout, int maxClients, Clock clock) {
        if (maxFailures < 1 || maxClients < 1 || window.isNegative() || lockout.isNegative()) {
            throw new IllegalArgumentException("limits must be positive");
        }
        this.maxFailures = maxFailures;
        this.window = window;
        this.lockout = lockout;
        this.clock = Objects.requireNonNull(clock, "clock");
        // access order: the eldest entry is the client seen least recently, the one to forget first
        this.clients = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Record> eldest) {
                return size() > maxClients;
            }
        };
    }

    /** How long {@code remoteAddress} must still wait before it may try again; zero when it may try now. */
    public synchronized Duration lockedOutFor(String remoteAddress) {
        Record record = clients.get(clientKey(remoteAddress));
        if (record == null || record.lockedUntil == null) {
            return Duration.ZERO;
        }
        Duration left = Duration.between(clock.instant(), record.lockedUntil);
        return left.isNegative() ? Duration.ZERO : left;
    }

    /** Records a wrong password from {@code remoteAddress}; the {@link #MAX_FAILURES}th in a window locks it out. */
    public synchronized void failed(String remoteAddress) {
        Instant now = clock.instant();
        Record record = clients.computeIfAbsent(clientKey(remoteAddress), k -> new Record(now));
        if (record.lockedUntil != null && !now.isBefore(record.lockedUntil)) {
            record.lockedUntil = null; // served its time: a fresh window
            record.failures = 0;
            record.windowStart = now;
        }
        if (Duration.between(record.windowStart, now).compareTo(window) > 0) {
            record.failures = 0;
            record.windowStart = now;
        }
        if (++record.failures >= maxFailures) {
            record.lockedUntil = now.plus(lockout);
        }
    }

    /** A successful login: the client's failures are forgotten. */
    public synchronized void succeeded(String remoteAddress) {
        clients.remove(clientKey(remoteAddress));
    }

    /** How many clients are remembered now (at most the bound given at construction). */
    public synchronized int tracked() {
        return clients.size();
    }

    /**
     * The key a remote address is counted under: the address itself for IPv4, its /64 prefix for IPv6 (an
     * IPv4-mapped IPv6 address counts as the IPv4 one). Anything else (never expected from a servlet container):
     * the string itself. Never does a name lookup.
     */
    static String clientKey(String remoteAddress) {
        if (remoteAddress == null || !IPV6.matcher(remoteAddress).matches()) {
            return remoteAddress == null ? "" : remoteAddress; // IPv4 (or not an IP literal at all): as it is
        }
        try {
            // an IPv6 literal: InetAddress parses it without any name lookup (it has a ':' or '[')
            byte[] address = InetAddress.getByName(remoteAddress.replaceFirst("%.*?(]?)$", "$1")).getAddress();
            if (address.length == 4) {
                return InetAddress.getByAddress(address).getHostAddress(); // ::ffff:a.b.c.d is a.b.c.d
            }
            Arrays.fill(address, 8, 16, (byte) 0);
            return InetAddress.getByAddress(address).getHostAddress() + "/64";
        } catch (UnknownHostException e) {
            return remoteAddress;
        }
    }

    @Override
    public synchronized String toString() {
        return "LoginThrottle[" + maxFailures + " failures in " + window + " lock out for " + lockout + ", tracking "
                + clients.size() + "]";
    }

    private static final class Record {
        int failures;
        Instant windowStart;
        Instant lockedUntil;

        Record(Instant now) {
            this.windowStart = now;
        }
    }
}
