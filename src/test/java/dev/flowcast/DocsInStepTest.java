package dev.flowcast;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowcast.config.Settings;
import dev.flowcast.metrics.MetricNames;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** The README's settings and metrics tables list exactly what the code reads and registers. */
class DocsInStepTest {

    private static final Pattern ROW = Pattern.compile("(?m)^\\| `(flowcast\\.[a-z.-]+)` \\| ([^|]+?) \\|");

    /** Rows of the table in the README section that starts with {@code heading}: key to second column. */
    private static Map<String, String> readmeRows(String heading) throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("\n" + heading + "\n");
        assertThat(start).as("README section " + heading).isNotNegative();
        int end = readme.indexOf("\n## ", start + heading.length() + 2);
        String section = readme.substring(start, end < 0 ? readme.length() : end);
        Map<String, String> rows = new LinkedHashMap<>();
        Matcher m = ROW.matcher(section);
        while (m.find()) {
            rows.put(m.group(1), m.group(2).strip());
        }
        return rows;
    }

    private static Map<String, String> settingsInCode() {
        Map<String, String> settings = new LinkedHashMap<>();
        for (Field field : Settings.class.getDeclaredFields()) {
            ConfigProperty property = field.getAnnotation(ConfigProperty.class);
            if (property != null) {
                settings.put(property.name(), property.defaultValue());
            }
        }
        return settings;
    }

    @Test
    void readmeSettingsTable_listsEverySettingWithItsDefault() throws IOException {
        Map<String, String> documented = readmeRows("## Settings");
        Map<String, String> code = settingsInCode();
        assertThat(documented.keySet()).containsExactlyInAnyOrderElementsOf(code.keySet());
        code.forEach((key, defaultValue) -> {
            String expected = ConfigProperty.UNCONFIGURED_VALUE.equals(defaultValue) ? "none"
                    : "flowcast.stage.workers".equals(key) ? "cores" : "`" + defaultValue + "`";
            assertThat(documented.get(key)).as(key).isEqualTo(expected);
        });
    }

    @Test
    void readmeMetricsTable_listsEveryMetricName() throws IOException {
        assertThat(readmeRows("## Metrics").keySet()).containsExactlyInAnyOrderElementsOf(MetricNames.ALL);
    }
}
