package dev.flowcast.it;

import java.net.URI;
import java.net.URL;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * Base of the Arquillian tests: each subclass gets the real {@code target/flowcast.war} deployed into the server of
 * the run (its own Payara Micro by default; one WildFly or Payara Server for the whole run with {@code -Pwildfly} or
 * {@code -Ppayara-server}), and talks to it as a client over loopback. Subclasses carry
 * {@code @ExtendWith(ArquillianExtension)} and {@code @RunAsClient} themselves.
 */
abstract class DeployedWarTest {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return FlowcastDeployment.realWar();
    }

    @ArquillianResource
    URL deployment;

    /** The deployment's base URL, on 127.0.0.1. */
    URI base() {
        return FlowcastDeployment.loopback(deployment);
    }

    Api api() {
        return new Api(base());
    }

    /**
     * A sample of an application metric from {@code /metrics} (Prometheus text; the server's or the WAR's own, see
     * {@link FlowcastDeployment#metrics}), 0 when not exported yet.
     *
     * @param name the Prometheus name, e.g. {@code flowcast_clients_cut_total}
     */
    static long metric(URI base, String name) {
        String metrics = Api.get(FlowcastDeployment.metrics(base)).body();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{[^}]*\\})? ([0-9.eE+]+)$").matcher(metrics);
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }
}
