package dev.flowcast.event;

import jakarta.json.spi.JsonProvider;

/**
 * The JSON-P provider, looked up once.
 *
 * <p>Every {@code jakarta.json.Json.createXxx} call searches for the provider again (a ServiceLoader scan of
 * the thread's context class loader): slow on a hot path (the frame decoder's tests ran about 5× faster once
 * it was cached), and it depends on a class loader that stops finding things while Payara shuts down. Use
 * {@link #PROVIDER} instead. Initialized at start by {@code ClassPreloader}; thread-safe (providers are).
 */
public final class JsonP {

    public static final JsonProvider PROVIDER = JsonProvider.provider();

    private JsonP() {
    }
}
