package dev.flowcast.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import dev.flowcast.event.Event;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * One event as an append carries it and a read answers it: seq (0 before numbering), id, data and accept time,
 * packed into one byte array ({@code seq:8 | acceptedMicros:8 | id length:4 | id UTF-8 | data UTF-8}).
 *
 * <p>Why packed: Hazelcast copies it in one piece (one array to write and to read, no strings to encode on the
 * way), and a {@link TopicLog} copies its body straight into its {@link HistoryRing}, which keeps no object per
 * event (why: see there). Nothing on the publish path decodes it: only reads (replay, recovery) turn it back into
 * strings.
 *
 * <p>The topic is the log's key, so it is not stored. Immutable after construction or deserialization (the array
 * is never changed once the entry holds it).
 */
public final class HistoryEntry implements DataSerializable {

    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final int SEQ = 0;
    private static final int ACCEPTED = 8;
    private static final int ID_LENGTH = 16;
    private static final int ID = 20;

    private byte[] packed;

    /** For Hazelcast deserialization only. */
    public HistoryEntry() {
    }

    HistoryEntry(long seq, String id, String data, long acceptedMicros) {
        byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
        byte[] dataBytes = data.getBytes(StandardCharsets.UTF_8);
        packed = packedHeader(seq, acceptedMicros, idBytes.length, idBytes.length + dataBytes.length);
        System.arraycopy(idBytes, 0, packed, ID, idBytes.length);
        System.arraycopy(dataBytes, 0, packed, ID + idBytes.length, dataBytes.length);
    }

    private HistoryEntry(byte[] packed) {
        this.packed = packed;
    }

    /** The unnumbered event's fields, before the log gives it a seq. */
    static HistoryEntry unnumbered(Event event) {
        return new HistoryEntry(0, event.id(), event.data(), event.acceptedMicros());
    }

    /** An entry around an array packed as this class packs it (the {@link HistoryRing} rebuilds them so). */
    static HistoryEntry ofPacked(byte[] packed) {
        return new HistoryEntry(packed);
    }

    /** The packed form, for the {@link HistoryRing} to copy from; callers must not change it. */
    byte[] packed() {
        return packed;
    }

    /** Where a packed entry's body (its id, then its data) starts. */
    static int bodyOffset() {
        return ID;
    }

    /** How long a packed entry's body is. */
    static int bodyLength(byte[] packed) {
        return packed.length - ID;
    }

    /** The id length of a packed entry. */
    static int idLengthOf(byte[] packed) {
        return (int) INT.get(packed, ID_LENGTH);
    }

    /** A packed entry with its header written and room for a body of {@code bodyLength} bytes, to be filled in. */
    static byte[] packedHeader(long seq, long acceptedMicros, int idLength, int bodyLength) {
        byte[] packed = new byte[ID + bodyLength];
        LONG.set(packed, SEQ, seq);
        LONG.set(packed, ACCEPTED, acceptedMicros);
        INT.set(packed, ID_LENGTH, idLength);
        return packed;
    }

    /** The seq of a packed entry, without unpacking it. */
    private static long seqOf(byte[] packed) {
        return (long) LONG.get(packed, SEQ);
    }

    /** The accept time of a packed entry, without unpacking it. */
    static long acceptedMicrosOf(byte[] packed) {
        return (long) LONG.get(packed, ACCEPTED);
    }

    long seq() {
        return seqOf(packed);
    }

    long acceptedMicros() {
        return acceptedMicrosOf(packed);
    }

    String id() {
        return new String(packed, ID, idLength(), StandardCharsets.UTF_8);
    }

    String data() {
        int dataStart = ID + idLength();
        return new String(packed, dataStart, packed.length - dataStart, StandardCharsets.UTF_8);
    }

    private int idLength() {
        return idLengthOf(packed);
    }

    /** The event this entry holds, in {@code topic}. */
    Event toEvent(String topic) {
        return new Event(id(), topic, data(), acceptedMicros(), seq());
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeByteArray(packed);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        packed = in.readByteArray();
    }

    /** Writes a list of entries: its size, then each. */
    static void writeAll(ObjectDataOutput out, Collection<HistoryEntry> entries) throws IOException {
        out.writeInt(entries.size());
        for (HistoryEntry entry : entries) {
            entry.writeData(out);
        }
    }

    /** Reads what {@link #writeAll} wrote. */
    static List<HistoryEntry> readAll(ObjectDataInput in) throws IOException {
        int n = in.readInt();
        List<HistoryEntry> read = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            read.add(new HistoryEntry(in.readByteArray()));
        }
        return read;
    }
}
