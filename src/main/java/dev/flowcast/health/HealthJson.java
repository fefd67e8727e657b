package dev.flowcast.health;

import dev.flowcast.event.JsonP;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import java.util.List;

/**
 * A health report in MicroProfile Health's JSON shape ({@code {"status":"UP","checks":[{"name","status","data"}]}}),
 * so a probe reads the WAR's own {@code /health} exactly like the server's. Threading: stateless.
 */
public final class HealthJson {

    private HealthJson() {
    }

    /** UP only when every check is up (and when there is none, as MicroProfile Health answers). */
    public static boolean up(List<CheckResult> checks) {
        return checks.stream().allMatch(CheckResult::up);
    }

    public static String report(List<CheckResult> checks) {
        JsonArrayBuilder array = JsonP.PROVIDER.createArrayBuilder();
        for (CheckResult check : checks) {
            JsonObjectBuilder data = JsonP.PROVIDER.createObjectBuilder();
            check.data().forEach((key, value) -> {
                if (value instanceof Boolean b) {
                    data.add(key, b);
                } else if (value instanceof Number n) {
                    data.add(key, n.longValue());
                } else {
                    data.add(key, String.valueOf(value));
                }
            });
            JsonObjectBuilder object = JsonP.PROVIDER.createObjectBuilder()
                    .add("name", check.name())
                    .add("status", status(check.up()));
            if (!check.data().isEmpty()) {
                object.add("data", data);
            }
            array.add(object);
        }
        return JsonP.PROVIDER.createObjectBuilder()
                .add("status", status(up(checks)))
                .add("checks", array)
                .build().toString();
    }

    private static String status(boolean up) {
        return up ? "UP" : "DOWN";
    }
}
