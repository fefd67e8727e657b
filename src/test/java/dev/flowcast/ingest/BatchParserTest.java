package dev.flowcast.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class BatchParserTest {

    private final BatchParser parser = new BatchParser(32);

    private static PublishError refusal(BatchParser parser, String body) {
        try {
            parser.parse(body);
        } catch (PublishError e) {
            return e;
        }
        throw new AssertionError("accepted: " + body);
    }

    @Test
    void shouldParseItemsInOrder_withCompactData() {
        List<BatchParser.Item> items = parser.parse(
                "[{\"topic\":\"a\",\"data\":{ \"x\" : 1 }}, {\"data\":[1, 2],\"topic\":\"b:c\",\"extra\":{\"k\":[1]}}]");
        assertThat(items).containsExactly(new BatchParser.Item("a", "{\"x\":1}"), new BatchParser.Item("b:c", "[1,2]"));
    }

    @Test
    void shouldNameTheIndexOfTheFirstBadItem() {
        PublishError e = refusal(parser, "[{\"topic\":\"a\",\"data\":1},{\"topic\":\"bad topic\",\"data\":1}]");
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.code()).isEqualTo("bad_topic");
        assertThat(e.index()).isEqualTo(1);
    }

    @Test
    void shouldRefuseItemsMissingFieldsOrOfTheWrongShape() {
        assertThat(refusal(parser, "[{\"data\":1}]").index()).isZero();
        assertThat(refusal(parser, "[{\"topic\":\"a\"}]").index()).isZero();
        assertThat(refusal(parser, "[{\"topic\":7,\"data\":1}]").index()).isZero();
        assertThat(refusal(parser, "[{\"topic\":{\"a\":1},\"data\":1}]").index()).isZero();
        assertThat(refusal(parser, "[{\"topic\":\"a\",\"data\":1},2]").index()).isEqualTo(1);
        assertThat(refusal(parser, "[{\"topic\":\"a\",\"topic\":\"b\",\"data\":1}]").index()).isZero();
    }

    @Test
    void shouldRefuseOversizedData_with413AndItsIndex() {
        PublishError e = refusal(parser, "[{\"topic\":\"a\",\"data\":1},{\"topic\":\"a\",\"data\":\"" + "x".repeat(40) + "\"}]");
        assertThat(e.status()).isEqualTo(413);
        assertThat(e.index()).isEqualTo(1);
    }

    @Test
    void shouldRefuseMoreThan1000Items_withTooManyItems() {
        String item = "{\"topic\":\"a\",\"data\":1}";
        String body = "[" + String.join(",", java.util.Collections.nCopies(1001, item)) + "]";
        assertThat(refusal(parser, body).code()).isEqualTo("too_many_items");
        String max = "[" + String.join(",", java.util.Collections.nCopies(1000, item)) + "]";
        assertThat(parser.parse(max)).hasSize(1000);
    }

    @Test
    void shouldRefuseWhatIsNotANonEmptyArray() {
        assertThat(refusal(parser, "{}").code()).isEqualTo("bad_json");
        assertThat(refusal(parser, "[]").code()).isEqualTo("empty_batch");
        assertThat(refusal(parser, "[{\"topic\":\"a\",\"data\":1}").code()).isEqualTo("bad_json");
        assertThat(refusal(parser, "[{\"topic\":\"a\",\"data\":1}] []").code()).isEqualTo("bad_json");
        assertThatThrownBy(() -> parser.parse("")).isInstanceOf(PublishError.class);
    }
}
