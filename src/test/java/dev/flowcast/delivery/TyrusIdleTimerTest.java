package dev.flowcast.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.glassfish.tyrus.core.TyrusSession;
import org.junit.jupiter.api.Test;

class TyrusIdleTimerTest {

    @Test
    void aTyrusSession_reArmsItsIdleTimerOnFlowcastsScheduler_notTheContainers() throws Exception {
        ScheduledExecutorService containers = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "container"));
        TyrusIdleTimer timer = new TyrusIdleTimer(Thread::new);
        try {
            TyrusSession session = new TyrusSession(containers);
            assertThat(timer.installOn(session)).isTrue();

            AtomicReference<String> ranOn = new AtomicReference<>();
            CountDownLatch ran = new CountDownLatch(1);
            session.restartIdleTimeoutExecutor(() -> {
                ranOn.set(Thread.currentThread().getName());
                ran.countDown();
            });

            assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(ranOn.get()).isEqualTo("flowcast-idle-timer");
        } finally {
            timer.stop();
            containers.shutdownNow();
        }
    }

    @Test
    void anythingElse_isLeftAlone() {
        TyrusIdleTimer timer = new TyrusIdleTimer(Thread::new);
        try {
            assertThat(timer.installOn(new Object())).isFalse();
        } finally {
            timer.stop();
        }
    }

    @Test
    void afterStop_aSessionThatStillReArms_isNotRefused() {
        TyrusIdleTimer timer = new TyrusIdleTimer(Thread::new);
        TyrusSession session = new TyrusSession(null);
        assertThat(timer.installOn(session)).isTrue();
        timer.stop();

        session.restartIdleTimeoutExecutor(() -> { }); // a RejectedExecutionException here would break Tyrus' close
    }
}
