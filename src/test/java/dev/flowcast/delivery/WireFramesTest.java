package dev.flowcast.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowcast.event.Event;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The frames {@link RawFrameWriter} hands to Tyrus, read back the way a client does (RFC 6455 §5.2): one final,
 * unmasked text frame per message, the shortest length form, the text in UTF-8.
 */
class WireFramesTest {

    private record Decoded(boolean fin, int opcode, boolean masked, int headerLength, String text) {
    }

    /** A client's reading of one frame, independent of the code under test. */
    private static Decoded decode(byte[] frame) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(frame));
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long length = b1 & 0x7F;
        int header = 2;
        if (length == 126) {
            length = in.readUnsignedShort();
            header = 4;
        } else if (length == 127) {
            length = in.readLong();
            header = 10;
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        assertThat(in.available()).as("bytes after the frame").isZero();
        return new Decoded((b0 & 0x80) != 0, b0 & 0x0F, (b1 & 0x80) != 0, header,
                new String(payload, StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 125, 126, 127, 65_535, 65_536, 300_000})
    void aTextMessageIsOneFinalUnmaskedTextFrame_inTheShortestLengthForm(int chars) throws IOException {
        String text = "x".repeat(chars);
        Decoded frame = decode(WireFrames.text(text));
        assertThat(frame.fin()).isTrue();
        assertThat(frame.opcode()).isEqualTo(1);
        assertThat(frame.masked()).isFalse();
        assertThat(frame.headerLength()).isEqualTo(chars < 126 ? 2 : chars <= 65_535 ? 4 : 10);
        assertThat(frame.text()).isEqualTo(text);
        assertThat(WireFrames.payloadLength(WireFrames.text(text))).isEqualTo(chars);
    }

    @Test
    void multiByteTextIsItsUtf8Bytes_andTheLengthCountsBytesNotChars() throws IOException {
        String text = "{\"data\":\"Grüße, 世界 😀\"}";
        byte[] frame = WireFrames.text(text);
        assertThat(decode(frame).text()).isEqualTo(text);
        assertThat(WireFrames.payloadLength(frame)).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length)
                .isEqualTo(Chunk.control(text).bytes());
    }

    @Test
    void oneChunkIsSentAsItsOwnFrame_sharedNotCopied() {
        Chunk chunk = Chunk.control("{\"type\":\"pong\"}");
        assertThat(WireFrames.joined(new Chunk[] {chunk}, 1)).isSameAs(chunk.wireFrame());
        assertThat(chunk.wireFrame()).isSameAs(chunk.wireFrame());
    }

    @Test
    void severalChunksLeaveAsOneMessage_theirTextsJoinedByLineBreaks_asTheTextPathDoes() throws IOException {
        Chunk small = Chunk.control("{\"type\":\"subscribed\",\"topic\":\"a\"}");
        Chunk events = Chunk.events(List.of(event(1, "ünï"), event(2, "😀")));
        Chunk big = Chunk.control("{\"pad\":\"" + "é".repeat(40_000) + "\"}"); // the sum needs the 10-byte form
        Chunk[] chunks = {small, events, big, null};

        Decoded joined = decode(WireFrames.joined(chunks, 3));

        assertThat(joined.fin()).isTrue();
        assertThat(joined.opcode()).isEqualTo(1);
        assertThat(joined.masked()).isFalse();
        assertThat(joined.headerLength()).isEqualTo(10);
        assertThat(joined.text()).isEqualTo(Chunk.joinedText(chunks, 3))
                .isEqualTo(small.text() + "\n" + events.text() + "\n" + big.text());
        assertThat(joined.text().split("\n")).hasSize(small.frames() + events.frames() + big.frames());
    }

    @Test
    void aCloseFrameCarriesTheCodeThenTheReason() throws IOException {
        byte[] frame = WireFrames.close(1008, "rate limited");
        Decoded close = decode(frame);
        assertThat(close.fin()).isTrue();
        assertThat(close.opcode()).isEqualTo(8);
        assertThat(close.masked()).isFalse();
        assertThat(((frame[2] & 0xFF) << 8) | (frame[3] & 0xFF)).isEqualTo(1008);
        assertThat(new String(frame, 4, frame.length - 4, StandardCharsets.UTF_8)).isEqualTo("rate limited");
    }

    @Test
    void aLongCloseReasonIsCutToTheControlFrameLimit_atACharacterBoundary() throws IOException {
        byte[] frame = WireFrames.close(1001, "é".repeat(100)); // 200 bytes of two-byte characters
        Decoded close = decode(frame);
        assertThat(frame.length - 2).as("payload").isLessThanOrEqualTo(125);
        assertThat(new String(frame, 4, frame.length - 4, StandardCharsets.UTF_8)).isEqualTo("é".repeat(61));
        assertThat(close.opcode()).isEqualTo(8);
    }

    @Test
    void joiningTwoShortChunksCanNeedTheLongerHeader() throws IOException {
        Chunk a = Chunk.control("a".repeat(100));
        Chunk b = Chunk.control("b".repeat(100));
        Decoded joined = decode(WireFrames.joined(new Chunk[] {a, b}, 2));
        assertThat(joined.headerLength()).isEqualTo(4);
        assertThat(joined.text()).isEqualTo("a".repeat(100) + "\n" + "b".repeat(100));
    }

    private static Event event(long seq, String data) {
        return new Event("id-" + seq, "t", "\"" + data + "\"", 1_000L + seq, seq);
    }
}
