package dev.flowcast.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The web.xml pattern that keeps Weld's request context off the publish API, and only off it. */
class RequestContextMappingTest {

    static Pattern mapping;

    @BeforeAll
    static void readWebXml() throws Exception {
        NodeList params = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(Path.of("src/main/webapp/WEB-INF/web.xml").toFile()).getElementsByTagName("context-param");
        for (int i = 0; i < params.getLength(); i++) {
            Element param = (Element) params.item(i);
            String name = param.getElementsByTagName("param-name").item(0).getTextContent().trim();
            if (name.equals("org.jboss.weld.context.mapping")) {
                mapping = Pattern.compile(param.getElementsByTagName("param-value").item(0).getTextContent().trim());
            }
        }
        assertThat(mapping).as("org.jboss.weld.context.mapping in web.xml").isNotNull();
    }

    @Test
    void publishRequests_runWithoutARequestContext() {
        assertThat(mapping.matcher("/api/topics/orders/events").matches()).isFalse();
        assertThat(mapping.matcher("/api/topics/orders:eu.1/events").matches()).isFalse();
        assertThat(mapping.matcher("/api/events").matches()).isFalse();
    }

    @Test
    void everythingElse_keepsIt() {
        for (String path : new String[] {"/", "/ws", "/index.html", "/admin/", "/admin/index.xhtml",
                "/admin/stats.json", "/api/stats", "/api/events/x", "/metrics"}) {
            assertThat(mapping.matcher(path).matches()).as(path).isTrue();
        }
    }
}
