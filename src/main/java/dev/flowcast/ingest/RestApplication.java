package dev.flowcast.ingest;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The REST API lives under {@code /api}; Payara's own {@code /health} and {@code /metrics} stay beside it. */
@ApplicationPath("/api")
public class RestApplication extends Application {
}
