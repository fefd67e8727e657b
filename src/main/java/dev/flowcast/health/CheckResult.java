package dev.flowcast.health;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The outcome of one of Flowcast's health checks: its name, up or down, and data that explains it. Plain Java, so
 * the same result is served through MicroProfile Health where the server has it and by {@link HealthServlet}
 * elsewhere.
 *
 * <p>Threading: immutable.
 *
 * @param data values are {@code String}, {@code Long} or {@code Boolean}, as MicroProfile Health allows; in order
 */
public record CheckResult(String name, boolean up, Map<String, Object> data) {

    public CheckResult {
        Objects.requireNonNull(name, "name");
        data = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(data));
    }
}
