package dev.flowcast.metrics;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.annotation.WebListener;
import java.util.logging.Logger;

/**
 * Decides, as the WAR starts, who serves Flowcast's metrics: the server's MicroProfile Metrics when it has it
 * (Payara: {@link MicroProfileExport}), else the WAR's own {@code /metrics} ({@link PrometheusServlet}, e.g. on a
 * stock WildFly 39, which has no MicroProfile Metrics) — and says in the log which, and what is missing.
 *
 * <p>Threading: called once by the servlet container at start.
 */
@WebListener
public class MetricsEndpointInstaller implements ServletContextListener {

    static final String MP_METRICS_API = "org.eclipse.microprofile.metrics.MetricRegistry";
    /** The WAR's own endpoint, under its context root. */
    public static final String PATH = "/metrics";
    private static final Logger LOG = Logger.getLogger(MetricsEndpointInstaller.class.getName());

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        if (visible(MP_METRICS_API, context.getClassLoader())) {
            return; // MicroProfileExport registers the metrics with the server's registry
        }
        ServletRegistration.Dynamic servlet = context.addServlet("flowcast-metrics", PrometheusServlet.class);
        servlet.addMapping(PATH);
        LOG.warning(() -> "MicroProfile Metrics is not available on this server (" + MP_METRICS_API
                + " not found): Flowcast serves its metrics itself, in Prometheus text, at "
                + context.getContextPath() + PATH);
    }

    /** True when the application can load {@code className}: the server gives the application that API. */
    static boolean visible(String className, ClassLoader loader) {
        try {
            Class.forName(className, false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
