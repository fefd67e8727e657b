package dev.flowcast.it;

import java.io.File;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** The deployment of every Arquillian test: the real {@code target/flowcast.war} that {@code mvn package} built. */
public final class FlowcastDeployment {

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
}
