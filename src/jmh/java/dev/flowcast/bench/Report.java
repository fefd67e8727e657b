package dev.flowcast.bench;

import java.io.PrintStream;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * The run's figures, printed as readable text and as one machine-readable line ({@code RESULT {json}}) carrying
 * the same values under stable keys, so runs can be compared by a script.
 *
 * <p>Used by the main thread only.
 */
final class Report {

    private final StringBuilder text = new StringBuilder();
    private final StringBuilder json = new StringBuilder("{");

    void section(String title) {
        text.append('\n').append(title).append('\n');
    }

    /** A figure: {@code label} in the text, {@code key} in the JSON line. */
    Report add(String key, String label, Object value) {
        text.append("  ").append(label).append(": ").append(format(value)).append('\n');
        if (json.length() > 1) {
            json.append(',');
        }
        json.append('"').append(key).append("\":");
        if (value instanceof Number n) {
            json.append(Double.isFinite(n.doubleValue()) ? format(n) : "null");
        } else {
            json.append('"').append(String.valueOf(value).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return this;
    }

    /** p50/p90/p99/p99.9/max of a histogram of microseconds, in milliseconds. */
    Report latency(String key, String label, Histogram h) {
        if (h.getTotalCount() == 0) {
            text.append("  ").append(label).append(": no samples\n");
            return this;
        }
        text.append("  ").append(label).append(String.format(Locale.ROOT,
                " (ms, %d samples): p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f%n", h.getTotalCount(),
                ms(h, 50), ms(h, 90), ms(h, 99), ms(h, 99.9), h.getMaxValue() / 1000.0));
        for (double p : new double[] {50, 90, 99, 99.9}) {
            json.append(",\"").append(key).append("_p").append(p == 99.9 ? "999" : Integer.toString((int) p))
                    .append("_ms\":").append(String.format(Locale.ROOT, "%.3f", ms(h, p)));
        }
        json.append(",\"").append(key).append("_max_ms\":").append(String.format(Locale.ROOT, "%.3f", h.getMaxValue() / 1000.0));
        return this;
    }

    void print(PrintStream out) {
        out.print(text);
        out.println();
        out.println("RESULT " + json + "}");
    }

    private static double ms(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1000.0;
    }

    private static String format(Object value) {
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            return Math.abs(d) >= 100 ? String.format(Locale.ROOT, "%.0f", d) : String.format(Locale.ROOT, "%.3f", d);
        }
        return String.valueOf(value);
    }
}
