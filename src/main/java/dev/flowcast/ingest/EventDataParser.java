package dev.flowcast.ingest;

import dev.flowcast.event.JsonP;
import jakarta.json.JsonException;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonGeneratorFactory;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Turns a request body into an event's data: strict UTF-8, one JSON value, re-written compact.
 *
 * <p>Compact matters: frames are newline-separated (contract §3), so a pretty-printed body must lose its
 * line breaks before it becomes part of a frame. Stateless and thread-safe.
 */
public final class EventDataParser {

    /** Deepest nesting of objects and arrays accepted in event data. */
    public static final int MAX_DEPTH = 64;

    // Looked up once: JsonP.PROVIDER.createParser() searches for the provider on every call.
    static final JsonParserFactory PARSERS = JsonP.PROVIDER.createParserFactory(Map.of());
    static final JsonGeneratorFactory GENERATORS = JsonP.PROVIDER.createGeneratorFactory(Map.of());

    private final int maxBytes;

    public EventDataParser(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    public int maxBytes() {
        return maxBytes;
    }

    /** The body's JSON value as compact text. @throws PublishError 400 or 413 */
    public String parse(byte[] body) {
        if (body.length > maxBytes) {
            throw PublishError.tooLarge(maxBytes);
        }
        return toCompactJson(decodeUtf8(body));
    }

    /** Decodes strictly: malformed or truncated UTF-8 is refused, not replaced. @throws PublishError 400 */
    public static String decodeUtf8(byte[] body) {
        if (body.length == 0) {
            throw new PublishError(400, "empty_body", "the request body is empty; send a JSON value");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new PublishError(400, "bad_encoding", "the request body is not valid UTF-8");
        }
    }

    /**
     * One JSON value, nothing after it, re-written compact. Streams from parser to generator, so nesting
     * costs no stack; nesting deeper than {@link #MAX_DEPTH} is refused.
     *
     * @throws PublishError 400
     */
    public static String toCompactJson(String text) {
        StringWriter out = new StringWriter(text.length());
        try (JsonParser parser = PARSERS.createParser(new StringReader(text));
             JsonGenerator generator = GENERATORS.createGenerator(out)) {
            copyOneValue(parser, generator);
            if (parser.hasNext()) {
                throw PublishError.badJson("the request body has content after its JSON value");
            }
        } catch (JsonException | IllegalStateException | NoSuchElementException e) {
            throw PublishError.badJson("the request body is not a single valid JSON value");
        }
        return out.toString();
    }

    /**
     * Copies the next JSON value from {@code parser} to {@code generator}, where the generator is at a
     * position that takes a value. Package-private for {@link BatchParser}.
     */
    static void copyOneValue(JsonParser parser, JsonGenerator generator) {
        int depth = 0;
        String key = null;
        do {
            JsonParser.Event event = parser.next();
            switch (event) {
                case KEY_NAME -> key = parser.getString();
                case START_OBJECT, START_ARRAY -> {
                    if (++depth > MAX_DEPTH) {
                        throw PublishError.badJson("the event data nests deeper than " + MAX_DEPTH + " levels");
                    }
                    boolean object = event == JsonParser.Event.START_OBJECT;
                    if (key == null) {
                        if (object) {
                            generator.writeStartObject();
                        } else {
                            generator.writeStartArray();
                        }
                    } else if (object) {
                        generator.writeStartObject(key);
                    } else {
                        generator.writeStartArray(key);
                    }
                    key = null;
                }
                case END_OBJECT, END_ARRAY -> {
                    depth--;
                    generator.writeEnd();
                }
                default -> {
                    JsonValue value = parser.getValue();
                    if (key == null) {
                        generator.write(value);
                    } else {
                        generator.write(key, value);
                    }
                    key = null;
                }
            }
        } while (depth > 0);
    }
}
