package dev.flowcast.it;

import java.io.File;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * The deployment of every Arquillian test: the real {@code target/flowcast.war} that {@code mvn package} built, and
 * where its operations endpoints are on the server the tests run on ({@code -Dflowcast.it.server}, set by the pom's
 * profiles: {@code payara-micro}, {@code wildfly}, {@code payara-server}).
 */
public final class FlowcastDeployment {

    /** The server of this test run. */
    public static final String SERVER = System.getProperty("flowcast.it.server", "payara-micro");

    /** The durability mode of the deployment (the pom's profiles set it in the environment the server inherits). */
    public static final String DURABILITY = System.getenv().getOrDefault("FLOWCAST_DURABILITY", "memory");

    private FlowcastDeployment() {
    }

    public static WebArchive realWar() {
        File war = new File(System.getProperty("flowcast.war", "target/flowcast.war"));
        if (!war.isFile()) {
            throw new IllegalStateException(war + " is missing: run the tests with mvn verify, after package");
        }
        return ShrinkWrap.createFromZipFile(WebArchive.class, war);
    }

    /**
     * The deployment's base URL on loopback. The adapter reports the machine's first interface address;
     * the server listens on every interface, and tests talk to 127.0.0.1 only.
     */
    public static URI loopback(URL base) {
        try {
            URI uri = base.toURI();
            return new URI(uri.getScheme(), null, "127.0.0.1", uri.getPort(), uri.getPath(), null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(base.toString(), e);
        }
    }

    /** True when the server has MicroProfile Metrics and Health (Payara), false where the WAR serves its own (WildFly). */
    public static boolean serverHasMicroProfileOperations() {
        return !"wildfly".equals(SERVER);
    }

    /**
     * Flowcast's application metrics in Prometheus text: the server's MicroProfile Metrics at the server root on
     * Payara, the WAR's own {@code /metrics} under its context root elsewhere (README: "Metrics").
     */
    public static URI metrics(URI base) {
        return serverHasMicroProfileOperations() ? root(base, "/metrics?scope=application") : under(base, "metrics");
    }

    /** A health endpoint ({@code ready}, {@code live}): the server's MicroProfile Health on Payara, the WAR's own elsewhere. */
    public static URI health(URI base, String which) {
        return serverHasMicroProfileOperations() ? root(base, "/health/" + which) : under(base, "health/" + which);
    }

    private static URI root(URI base, String absolutePath) {
        return URI.create(base.getScheme() + "://" + base.getAuthority() + absolutePath);
    }

    private static URI under(URI base, String relativePath) {
        String b = base.toString();
        return URI.create((b.endsWith("/") ? b : b + "/") + relativePath);
    }
}
