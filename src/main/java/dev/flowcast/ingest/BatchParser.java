package dev.flowcast.ingest;

import dev.flowcast.event.Topic;
import jakarta.json.JsonException;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonParser;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Parses a batch body, {@code [{"topic":"…","data":…}, …]}, into checked items; one bad item refuses the
 * whole batch and names its index (contract §2).
 *
 * <p>Streams through the body, so a large batch never becomes a tree in memory. Stateless; thread-safe.
 */
public final class BatchParser {

    /** Most items one batch may carry. */
    public static final int MAX_ITEMS = 1000;

    /** One checked item: a legal topic and compact JSON data within the size limit. */
    public record Item(String topic, String data) {
    }

    private final int maxDataBytes;

    public BatchParser(int maxDataBytes) {
        this.maxDataBytes = maxDataBytes;
    }

    /** @throws PublishError 400 (with the index of the bad item where there is one) or 413 */
    public List<Item> parse(String body) {
        List<Item> items = new ArrayList<>();
        try (JsonParser parser = EventDataParser.PARSERS.createParser(new StringReader(body))) {
            if (!parser.hasNext() || parser.next() != JsonParser.Event.START_ARRAY) {
                throw PublishError.badJson("a batch is a JSON array of {\"topic\",\"data\"} objects");
            }
            JsonParser.Event event;
            while ((event = parser.next()) != JsonParser.Event.END_ARRAY) {
                int index = items.size();
                if (index == MAX_ITEMS) {
                    throw new PublishError(400, "too_many_items", "a batch carries at most " + MAX_ITEMS + " items");
                }
                if (event != JsonParser.Event.START_OBJECT) {
                    throw PublishError.badJson("each item must be an object {\"topic\":…,\"data\":…}").at(index);
                }
                items.add(item(parser).check(index, maxDataBytes));
            }
            if (parser.hasNext()) {
                throw PublishError.badJson("the request body has content after its JSON array");
            }
        } catch (JsonException | IllegalStateException | NoSuchElementException e) {
            throw PublishError.badJson("the request body is not a valid JSON array");
        }
        if (items.isEmpty()) {
            throw new PublishError(400, "empty_batch", "a batch carries 1 to " + MAX_ITEMS + " items");
        }
        return items;
    }

    /** Reads one item object after its START_OBJECT; unknown fields are skipped. */
    private static RawItem item(JsonParser parser) {
        RawItem raw = new RawItem();
        JsonParser.Event event;
        while ((event = parser.next()) != JsonParser.Event.END_OBJECT) {
            String key = parser.getString(); // event is KEY_NAME
            if ("data".equals(key) && raw.data == null) {
                StringWriter out = new StringWriter();
                try (JsonGenerator generator = EventDataParser.GENERATORS.createGenerator(out)) {
                    EventDataParser.copyOneValue(parser, generator);
                }
                raw.data = out.toString();
            } else if ("topic".equals(key) && raw.topic == null) {
                JsonParser.Event value = parser.next();
                raw.topicIsString = value == JsonParser.Event.VALUE_STRING;
                raw.topic = raw.topicIsString ? parser.getString() : "";
                skipRest(parser, value);
            } else {
                raw.duplicateOrUnknown(key);
                skipRest(parser, parser.next());
            }
        }
        return raw;
    }

    /** Skips the rest of a value whose first event was {@code event}. */
    private static void skipRest(JsonParser parser, JsonParser.Event event) {
        if (event == JsonParser.Event.START_OBJECT) {
            parser.skipObject();
        } else if (event == JsonParser.Event.START_ARRAY) {
            parser.skipArray();
        }
    }

    /** An item as read, before its checks. */
    private static final class RawItem {
        String topic;
        boolean topicIsString;
        String data;
        String duplicate;

        void duplicateOrUnknown(String key) {
            if ("topic".equals(key) || "data".equals(key)) {
                duplicate = key;
            }
        }

        Item check(int index, int maxDataBytes) {
            if (duplicate != null) {
                throw PublishError.badJson("field '" + duplicate + "' appears twice").at(index);
            }
            if (topic == null || !topicIsString) {
                throw PublishError.badJson("'topic' is missing or not a string").at(index);
            }
            if (!Topic.isValid(topic)) {
                throw PublishError.badTopic("topic name must match [A-Za-z0-9_.:-]{1,200}").at(index);
            }
            if (data == null) {
                throw PublishError.badJson("'data' is missing").at(index);
            }
            if (data.getBytes(StandardCharsets.UTF_8).length > maxDataBytes) {
                throw PublishError.tooLarge(maxDataBytes).at(index);
            }
            return new Item(topic, data);
        }
    }
}
