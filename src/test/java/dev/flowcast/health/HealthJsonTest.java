package dev.flowcast.health;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HealthJsonTest {

    private static JsonObject parse(String json) {
        return Json.createReader(new StringReader(json)).readObject();
    }

    @Test
    void aReportIsUp_onlyWhenEveryCheckIsUp_inMicroProfileHealthsShape() {
        CheckResult ready = new CheckResult("flowcast-pipeline", true, Map.of("members", 2L));
        CheckResult stalled = new CheckResult("flowcast-stages", false, Map.of("stalled", "fanout"));

        JsonObject up = parse(HealthJson.report(List.of(ready)));
        JsonObject down = parse(HealthJson.report(List.of(ready, stalled)));

        assertThat(up.getString("status")).isEqualTo("UP");
        assertThat(up.getJsonArray("checks").getJsonObject(0).getString("name")).isEqualTo("flowcast-pipeline");
        assertThat(up.getJsonArray("checks").getJsonObject(0).getJsonObject("data").getInt("members")).isEqualTo(2);
        assertThat(down.getString("status")).isEqualTo("DOWN");
        assertThat(down.getJsonArray("checks").getJsonObject(1).getString("status")).isEqualTo("DOWN");
        assertThat(down.getJsonArray("checks").getJsonObject(1).getJsonObject("data").getString("stalled"))
                .isEqualTo("fanout");
        assertThat(HealthJson.up(List.of(ready, stalled))).isFalse();
    }
}
