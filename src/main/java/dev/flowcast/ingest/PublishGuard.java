package dev.flowcast.ingest;

import dev.flowcast.auth.PublishKey;
import dev.flowcast.config.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The publish API's gate: the bearer key of {@code flowcast.publish.key}, compared in constant time.
 * Unset key = everyone is refused. Thread-safe.
 */
@ApplicationScoped
public class PublishGuard {

    @Inject
    Settings settings;

    private PublishKey key;

    @PostConstruct
    void init() {
        key = new PublishKey(settings.publishKey());
    }

    /** @throws PublishError 401 unless {@code authorization} is {@code Bearer <the key>} */
    public void check(String authorization) {
        if (!key.accepts(authorization)) {
            throw new PublishError(401, "unauthorized", key.isConfigured()
                    ? "missing or wrong publish key: send Authorization: Bearer <flowcast.publish.key>"
                    : "the publish API is disabled: flowcast.publish.key is not set on this node");
        }
    }

    public boolean accepts(String authorization) {
        return key.accepts(authorization);
    }

    public boolean isConfigured() {
        return key.isConfigured();
    }
}
