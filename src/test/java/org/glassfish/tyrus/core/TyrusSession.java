package org.glassfish.tyrus.core;

import java.util.concurrent.ScheduledExecutorService;

/**
 * Test stand-in for Tyrus' session class (Tyrus is not on the test class path): the same name and the same private
 * scheduler field, as in the Tyrus that Payara 6 bundles, and the re-arm it does on every frame.
 */
public class TyrusSession {

    private ScheduledExecutorService service;

    public TyrusSession(ScheduledExecutorService containers) {
        this.service = containers;
    }

    /** What Tyrus does on every frame received or ping sent: schedule its idle-timeout command. */
    public void restartIdleTimeoutExecutor(Runnable idleTimeoutCommand) {
        service.schedule(idleTimeoutCommand, 0, java.util.concurrent.TimeUnit.MILLISECONDS);
    }
}
