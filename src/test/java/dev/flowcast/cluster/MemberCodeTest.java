package dev.flowcast.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MemberCodeTest {

    /** A class name as the class file's constant pool spells it. */
    private static final Pattern FLOWCAST_CLASS = Pattern.compile("dev/flowcast/[A-Za-z0-9_/$]+");

    @Test
    void theFingerprintedClasses_areExactlyTheFlowcastClassesTheEntryProcessorsReach() throws IOException {
        Set<String> reached = new TreeSet<>();
        Deque<String> toRead = new ArrayDeque<>(Set.of("dev.flowcast.cluster.TopicLogOps", "dev.flowcast.cluster.MemberCode"));
        while (!toRead.isEmpty()) {
            String name = toRead.pop();
            if (!reached.add(name)) {
                continue;
            }
            Matcher referenced = FLOWCAST_CLASS.matcher(classBytes(name));
            while (referenced.find()) {
                toRead.push(referenced.group().replace('/', '.'));
            }
        }
        assertThat(reached).as("a class members load is missing from MemberCode.CLASSES, or one listed is no longer used")
                .isEqualTo(new TreeSet<>(MemberCode.CLASSES));
    }

    @Test
    void theFingerprint_isStable_andChangesWithTheBytecode() {
        String fingerprint = MemberCode.fingerprint();
        assertThat(fingerprint).matches("[0-9a-f]{16}").isEqualTo(MemberCode.digest(MemberCode.class.getClassLoader()));
        ClassLoader anotherBuild = new MemberCodeCheckTest.AnotherBuild(MemberCode.class.getClassLoader());
        assertThat(MemberCode.digest(anotherBuild)).isNotEqualTo(fingerprint);
    }

    private static String classBytes(String name) throws IOException {
        try (InputStream in = MemberCode.class.getClassLoader().getResourceAsStream(name.replace('.', '/') + ".class")) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
