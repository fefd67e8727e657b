package dev.flowcast.health;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.annotation.WebListener;
import java.util.logging.Logger;

/**
 * Decides, as the WAR starts, who serves Flowcast's health checks: the server's MicroProfile Health when it has it
 * (Payara: {@link MicroProfileReadiness}, {@link MicroProfileLiveness}), else the WAR's own {@code /health/*}
 * ({@link HealthServlet}, e.g. on a stock WildFly 39, whose own health endpoint is on its management port and knows
 * nothing of Flowcast) — and says in the log which, and what is missing.
 *
 * <p>Threading: called once by the servlet container at start.
 */
@WebListener
public class HealthEndpointInstaller implements ServletContextListener {

    static final String MP_HEALTH_API = "org.eclipse.microprofile.health.HealthCheck";
    /** The WAR's own endpoints, under its context root. */
    public static final String PATH = "/health";
    private static final Logger LOG = Logger.getLogger(HealthEndpointInstaller.class.getName());

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        if (visible(MP_HEALTH_API, context.getClassLoader())) {
            return; // the server's MicroProfile Health runs the MicroProfile* checks
        }
        ServletRegistration.Dynamic servlet = context.addServlet("flowcast-health", HealthServlet.class);
        servlet.addMapping(PATH + "/*");
        LOG.warning(() -> "MicroProfile Health is not available on this server (" + MP_HEALTH_API
                + " not found): Flowcast serves its checks itself at " + context.getContextPath() + PATH
                + ", " + PATH + "/ready and " + PATH + "/live");
    }

    private static boolean visible(String className, ClassLoader loader) {
        try {
            Class.forName(className, false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
