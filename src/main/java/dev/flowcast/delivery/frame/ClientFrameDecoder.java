package dev.flowcast.delivery.frame;

import dev.flowcast.event.Topic;
import jakarta.json.Json;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;
import java.io.StringReader;
import java.util.Map;

/**
 * Turns one client text message into a {@link ClientFrame} or the {@link FrameError} to answer with; stateless and
 * safe to call from any thread.
 *
 * <p>{@link #decode} never throws, whatever the input (null, huge, deeply nested, not UTF-16-clean). It reads the
 * text with JSON-P's <em>streaming</em> parser, keeps only the top-level fields it knows, and skips every other
 * value iteratively, refusing more than {@link #MAX_NESTING} levels, so neither a recursive tree builder nor a
 * {@code [[[[…} bomb is ever involved. Numbers are checked from their text, never turned into a
 * {@code BigDecimal} (so {@code 1e999999999} costs nothing). The 64 KiB size limit belongs to the socket layer;
 * the decoder is merely safe on any length.
 *
 * <p>Rules, in the order they are checked (contract §3):
 * <ol>
 *   <li>not JSON, not exactly one JSON object, or nested deeper than {@link #MAX_NESTING} → {@code bad_frame};</li>
 *   <li>{@code type} missing, {@code null}, not a string, or given twice → {@code bad_frame};</li>
 *   <li>{@code type} other than {@code subscribe}, {@code unsubscribe}, {@code ping} (case-sensitive) →
 *       {@code unknown_type};</li>
 *   <li>subscribe/unsubscribe: {@code topic} missing, {@code null}, not a string, or given twice → {@code bad_frame};
 *       not a legal name → {@code bad_topic};</li>
 *   <li>subscribe: {@code since} not a non-negative integer (a JSON number with no fraction or exponent that
 *       fits a {@code long}), {@code epoch} or {@code token} not a string, any of them given twice →
 *       {@code bad_frame}.</li>
 * </ol>
 *
 * <p>Decisions the contract leaves open:
 * <ul>
 *   <li><b>Unknown fields are ignored</b>, whatever their value (forward compatibility), as are fields a frame type
 *       does not use ({@code topic} on a ping). Only their nesting depth is limited.</li>
 *   <li><b>Duplicate keys</b> among the fields a frame type uses are refused with {@code bad_frame}: "first wins"
 *       and "last wins" parsers disagree, and a proxy and this server must never read different topics from the
 *       same frame. Duplicates of unused or unknown fields are ignored.</li>
 *   <li><b>{@code null} for an optional field</b> ({@code since}, {@code epoch}, {@code token}) means absent, as
 *       JavaScript clients send {@code since: null} when they have no position; for {@code type} and
 *       {@code topic} it means missing.</li>
 *   <li>{@code since} and {@code epoch} are independent here; what a {@code since} without an {@code epoch} means
 *       is the subscription's business.</li>
 *   <li>The error's {@code topic} is set whenever the frame had a single string {@code topic} field, legal or not
 *       (made safe by {@link FrameError}); never for non-JSON text.</li>
 * </ul>
 */
public final class ClientFrameDecoder {

    /** Deepest nesting accepted anywhere in a frame; the frame object itself is level 1. */
    public static final int MAX_NESTING = 32;

    private static final String TOPIC_RULE =
            "Topic names must match [A-Za-z0-9_.:-]{1," + Topic.MAX_LENGTH + "}.";

    private ClientFrameDecoder() {
    }

    /**
     * Decodes one client text message. Never throws; any thread.
     *
     * @param text the message, possibly {@code null} or garbage
     * @return {@link Decoded.Ok} with a valid frame, or {@link Decoded.Failed} with a non-null code and a
     *         non-blank message
     */
    public static Decoded decode(String text) {
        if (text == null || text.isBlank()) {
            return failed(ErrorCode.BAD_FRAME, "The frame is empty; send one JSON object.", null);
        }
        Fields fields;
        try {
            fields = read(text);
        } catch (RuntimeException e) { // JsonParsingException and friends: the text is not JSON
            return failed(ErrorCode.BAD_FRAME, "The frame is not valid JSON.", null);
        }
        if (fields.problem != null) {
            return failed(ErrorCode.BAD_FRAME, fields.problem, null);
        }
        return interpret(fields);
    }

    // ---- reading ------------------------------------------------------------------------------------------

    private static Fields read(String text) {
        Fields fields = new Fields();
        try (JsonParser parser = Parsers.FACTORY.createParser(new StringReader(text))) {
            if (parser.next() != JsonParser.Event.START_OBJECT) {
                fields.problem = "A frame must be a JSON object.";
                return fields;
            }
            JsonParser.Event event;
            while ((event = parser.next()) != JsonParser.Event.END_OBJECT) {
                if (event != JsonParser.Event.KEY_NAME) { // cannot happen with a conforming parser
                    fields.problem = "The frame is not valid JSON.";
                    return fields;
                }
                int key = Fields.keyIndex(parser.getString());
                Value value = readValue(parser, parser.next(), key >= 0);
                if (value == null) {
                    fields.problem = "The frame is nested more than " + MAX_NESTING + " levels deep.";
                    return fields;
                }
                fields.put(key, value);
            }
            if (parser.hasNext()) { // conforming parsers throw here instead; both mean trailing content
                fields.problem = "A frame must hold exactly one JSON object.";
            }
        }
        return fields;
    }

    /** Reads one field value; {@code null} when it nests too deeply. Containers are skipped, never built. */
    private static Value readValue(JsonParser parser, JsonParser.Event event, boolean keepText) {
        switch (event) {
            case VALUE_STRING:
                return new Value(Kind.STRING, keepText ? parser.getString() : null);
            case VALUE_NUMBER:
                return new Value(Kind.NUMBER, keepText ? parser.getString() : null);
            case VALUE_TRUE:
            case VALUE_FALSE:
                return Value.BOOLEAN;
            case VALUE_NULL:
                return Value.NULL;
            case START_OBJECT:
            case START_ARRAY:
                return skipContainer(parser) ? Value.CONTAINER : null;
            default:
                throw new IllegalStateException("unexpected JSON event " + event); // reported as not JSON
        }
    }

    /** Skips to the end of the container just opened at level 2; false when it nests beyond the limit. */
    private static boolean skipContainer(JsonParser parser) {
        int depth = 2;
        while (depth > 1) {
            switch (parser.next()) {
                case START_OBJECT, START_ARRAY -> {
                    if (++depth > MAX_NESTING) {
                        return false;
                    }
                }
                case END_OBJECT, END_ARRAY -> depth--;
                default -> {
                    // scalars and keys inside an ignored value
                }
            }
        }
        return true;
    }

    // ---- interpreting -------------------------------------------------------------------------------------

    private static Decoded interpret(Fields f) {
        Value type = f.get(Fields.TYPE);
        Value topic = f.get(Fields.TOPIC);
        String echo = topic != null && topic.kind == Kind.STRING && !f.duplicated(Fields.TOPIC) ? topic.text : null;
        if (f.duplicated(Fields.TYPE)) {
            return failed(ErrorCode.BAD_FRAME, "The \"type\" field appears more than once.", echo);
        }
        if (!present(type)) {
            return failed(ErrorCode.BAD_FRAME, "The frame has no \"type\" field.", echo);
        }
        if (type.kind != Kind.STRING) {
            return failed(ErrorCode.BAD_FRAME, "The \"type\" field must be a string.", echo);
        }
        switch (type.text) {
            case "ping":
                return new Decoded.Ok(new ClientFrame.Ping());
            case "unsubscribe": {
                Decoded refused = checkTopic(f, echo);
                return refused != null ? refused : new Decoded.Ok(new ClientFrame.Unsubscribe(topic.text));
            }
            case "subscribe":
                return subscribe(f, echo);
            default:
                return failed(ErrorCode.UNKNOWN_TYPE,
                        "Unknown frame type; expected subscribe, unsubscribe or ping.", echo);
        }
    }

    /** Null when the frame's topic is a single legal name, else the refusal. */
    private static Decoded checkTopic(Fields f, String echo) {
        Value topic = f.get(Fields.TOPIC);
        if (f.duplicated(Fields.TOPIC)) {
            return failed(ErrorCode.BAD_FRAME, "The \"topic\" field appears more than once.", null);
        }
        if (!present(topic)) {
            return failed(ErrorCode.BAD_FRAME, "The frame has no \"topic\" field.", null);
        }
        if (topic.kind != Kind.STRING) {
            return failed(ErrorCode.BAD_FRAME, "The \"topic\" field must be a string.", null);
        }
        if (!Topic.isValid(topic.text)) {
            return failed(ErrorCode.BAD_TOPIC, TOPIC_RULE, echo);
        }
        return null;
    }

    private static Decoded subscribe(Fields f, String echo) {
        Decoded refused = checkTopic(f, echo);
        if (refused != null) {
            return refused;
        }
        for (int key : new int[] {Fields.SINCE, Fields.EPOCH, Fields.TOKEN}) {
            if (f.duplicated(key)) {
                return failed(ErrorCode.BAD_FRAME,
                        "The \"" + Fields.KEYS[key] + "\" field appears more than once.", echo);
            }
        }
        Value sinceField = f.get(Fields.SINCE);
        Value epoch = f.get(Fields.EPOCH);
        Value token = f.get(Fields.TOKEN);
        Long since = null;
        if (present(sinceField)) {
            since = sinceField.kind == Kind.NUMBER ? nonNegativeLong(sinceField.text) : null;
            if (since == null) {
                return failed(ErrorCode.BAD_FRAME, "The \"since\" field must be a non-negative integer.", echo);
            }
        }
        if (present(epoch) && epoch.kind != Kind.STRING) {
            return failed(ErrorCode.BAD_FRAME, "The \"epoch\" field must be a string.", echo);
        }
        if (present(token) && token.kind != Kind.STRING) {
            return failed(ErrorCode.BAD_FRAME, "The \"token\" field must be a string.", echo);
        }
        return new Decoded.Ok(new ClientFrame.Subscribe(f.get(Fields.TOPIC).text, since,
                present(epoch) ? epoch.text : null, present(token) ? token.text : null));
    }

    private static boolean present(Value v) {
        return v != null && v.kind != Kind.NULL;
    }

    /** The value of a JSON number's text when it is an integer in [0, Long.MAX_VALUE], else null. */
    static Long nonNegativeLong(String numberText) {
        if (numberText == null || numberText.isEmpty() || numberText.length() > 20) {
            return null;
        }
        int start = numberText.charAt(0) == '-' ? 1 : 0;
        if (start == numberText.length()) {
            return null;
        }
        for (int i = start; i < numberText.length(); i++) {
            char c = numberText.charAt(i);
            if (c < '0' || c > '9') {
                return null; // fraction or exponent
            }
        }
        try {
            long value = Long.parseLong(numberText);
            return value >= 0 ? value : null;
        } catch (NumberFormatException tooBig) {
            return null;
        }
    }

    private static Decoded failed(ErrorCode code, String message, String topic) {
        return new Decoded.Failed(new FrameError(code, message, topic));
    }

    // ---- state of one decode ------------------------------------------------------------------------------

    private enum Kind { STRING, NUMBER, BOOLEAN, NULL, CONTAINER }

    private record Value(Kind kind, String text) {
        static final Value BOOLEAN = new Value(Kind.BOOLEAN, null);
        static final Value NULL = new Value(Kind.NULL, null);
        static final Value CONTAINER = new Value(Kind.CONTAINER, null);
    }

    /** The known top-level fields of one frame, first occurrence kept; confined to the decoding thread. */
    private static final class Fields {
        static final int TYPE = 0;
        static final int TOPIC = 1;
        static final int SINCE = 2;
        static final int EPOCH = 3;
        static final int TOKEN = 4;
        static final String[] KEYS = {"type", "topic", "since", "epoch", "token"};

        final Value[] values = new Value[KEYS.length];
        int duplicates; // one bit per key
        String problem; // set when the text is JSON but not a frame object

        static int keyIndex(String key) {
            for (int i = 0; i < KEYS.length; i++) {
                if (KEYS[i].equals(key)) {
                    return i;
                }
            }
            return -1;
        }

        void put(int key, Value value) {
            if (key < 0) {
                return; // unknown field: ignored
            }
            if (values[key] != null) {
                duplicates |= 1 << key;
            } else {
                values[key] = value;
            }
        }

        Value get(int key) {
            return values[key];
        }

        boolean duplicated(int key) {
            return (duplicates & (1 << key)) != 0;
        }
    }

    /** The JSON-P parser factory, looked up once (a provider lookup per frame would scan the class path). */
    private static final class Parsers {
        static final JsonParserFactory FACTORY = Json.createParserFactory(Map.of());
    }
}
