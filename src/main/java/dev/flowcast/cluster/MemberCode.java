package dev.flowcast.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The Flowcast code the members of an external cluster run ({@link TopicLogOps} and what it touches), and its
 * fingerprint: a digest of those classes' bytecode as the caller's class loader finds it. A client node compares
 * every member's fingerprint with its own at start ({@link MemberCodeCheck}): members running another build's
 * {@code flowcast-classes.jar} would run other entry processors on the topic logs (another serialized form, other
 * rules), which no error would show.
 *
 * <p>Plain Java, no Hazelcast or Jakarta types: members load it. Thread-safe (the fingerprint is computed once).
 */
public final class MemberCode {

    /**
     * Every Flowcast class a member loads to run Flowcast's entry processors, by name (MemberCodeTest checks the list
     * against the classes' references, so a new one cannot be forgotten).
     */
    static final List<String> CLASSES = List.of(
            "dev.flowcast.cluster.MemberCode",
            "dev.flowcast.cluster.TopicLogOps",
            "dev.flowcast.cluster.TopicLogOps$Append",
            "dev.flowcast.cluster.TopicLogOps$Install",
            "dev.flowcast.cluster.TopicLogOps$Read",
            "dev.flowcast.cluster.TopicLogOps$TopicBatch",
            "dev.flowcast.cluster.TopicLogOps$Fingerprint",
            "dev.flowcast.cluster.TopicLogShard",
            "dev.flowcast.cluster.TopicLog",
            "dev.flowcast.cluster.LogAnswer",
            "dev.flowcast.cluster.LogAnswers",
            "dev.flowcast.cluster.HistoryEntry",
            "dev.flowcast.cluster.HistoryRing",
            "dev.flowcast.event.Event");

    private static volatile String fingerprint;

    private MemberCode() {
    }

    /** SHA-256 of the {@link #CLASSES}' bytecode, in list order, as hex (first 16 digits: enough to tell builds apart). */
    public static String fingerprint() {
        String known = fingerprint;
        if (known == null) {
            known = digest(MemberCode.class.getClassLoader());
            fingerprint = known;
        }
        return known;
    }

    static String digest(ClassLoader loader) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        for (String name : CLASSES) {
            String resource = name.replace('.', '/') + ".class";
            try (InputStream bytes = loader.getResourceAsStream(resource)) {
                if (bytes == null) {
                    throw new IllegalStateException("Flowcast's class " + name + " is not on the class path");
                }
                sha256.update(bytes.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException("could not read " + resource, e);
            }
        }
        return HexFormat.of().formatHex(sha256.digest()).substring(0, 16);
    }
}
