package dev.flowcast.delivery.frame;

import jakarta.json.spi.JsonProvider;

/**
 * JSON string literals for the frame encoder: a hand-written fast path for strings that need no escaping, JSON-P
 * for the rest; stateless and safe from any thread.
 *
 * <p>The fast path's one decision, {@link #needsNoEscaping}, is proven equal to JSON-P's own output for every
 * UTF-16 char and for random strings by {@code JsonStringsTest}, so both paths emit the same text.
 */
final class JsonStrings {

    private JsonStrings() {
    }

    /** Appends {@code s} as a JSON string literal, quotes included. */
    static void appendQuoted(StringBuilder out, String s) {
        if (needsNoEscaping(s)) {
            out.append('"').append(s).append('"');
        } else {
            out.append(Provider.INSTANCE.createValue(s).toString()); // JsonValue#toString is its JSON text
        }
    }

    /** {@code s} as a JSON string literal, quotes included. */
    static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2);
        appendQuoted(out, s);
        return out.toString();
    }

    /** True when the JSON literal of {@code s} is {@code s} between quotes: no quote, backslash or control char. */
    static boolean needsNoEscaping(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    /** The JSON-P provider, looked up once: {@code Json.createValue} would search for it on every call. */
    private static final class Provider {
        static final JsonProvider INSTANCE = JsonProvider.provider();
    }
}
