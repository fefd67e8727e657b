package dev.flowcast.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CPU time, resident memory and load average from Linux's {@code /proc}, and {@code jcmd} for JVM servers.
 *
 * <p>Stateless; every call reads the files afresh. A process that is gone reads as -1.
 */
final class ProcStats {

    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");
    private static final double TICKS_PER_SECOND = clockTicks();

    private ProcStats() {
    }

    /** User plus system CPU seconds the process has used so far ({@code self} for this JVM). */
    static double cpuSeconds(String pid) {
        try {
            String stat = Files.readString(Path.of("/proc", pid, "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Resident set size in KiB ({@code VmRSS}). */
    static long rssKib(String pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return -1;
    }

    /** The 1, 5 and 15 minute load averages as printed by the kernel. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    /** Asks a JVM for a full GC ({@code jcmd PID GC.run}), so its RSS and heap reflect live data. */
    static void fullGc(long pid) {
        jcmd(pid, "GC.run");
    }

    /** Heap in use in KiB after the last GC, from {@code jcmd PID GC.heap_info}; -1 if unknown. */
    static long heapUsedKib(long pid) {
        Matcher m = HEAP_USED.matcher(jcmd(pid, "GC.heap_info"));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static String jcmd(long pid, String command) {
        try {
            Process p = new ProcessBuilder("jcmd", Long.toString(pid), command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static double clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
            return Double.parseDouble(new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim());
        } catch (IOException | RuntimeException e) {
            return 100; // USER_HZ on every common Linux build
        }
    }
}
