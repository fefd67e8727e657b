package dev.flowcast.it;

import static dev.flowcast.it.WsTestClient.isEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.UUID;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A client that stops reading is cut off once it is {@code flowcast.client.max-pending} frames behind, and a
 * fast client on the same topic still receives every event.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class SlowConsumerIT extends DeployedWarTest {

    /** Large events fill the socket buffers quickly, so the outbox bound is reached with few events. */
    private static final String PAYLOAD = "\"" + "x".repeat(16 * 1024) + "\"";
    private static final int EVENTS = 2500;

    @Test
    void aClientThatStopsReading_isCutOff_whileAFastClientGetsEverything() {
        String topic = "public:slow." + UUID.randomUUID().toString().substring(0, 8);
        Api api = new Api(base());
        long cutBefore = metric(base(), "flowcast_clients_cut_total");
        try (WsTestClient fast = WsTestClient.connect(base());
             WsTestClient slow = WsTestClient.connect(base())) {
            fast.subscribeAndWait(topic);
            slow.subscribeAndWait(topic);
            long sessionsWithBoth = metric(base(), "flowcast_sessions");
            slow.pause();

            for (int i = 0; i < EVENTS; i++) {
                assertThat(api.publish(topic, PAYLOAD).statusCode()).isEqualTo(202);
            }

            assertThat(fast.awaitFrames(isEvent(topic), EVENTS)).hasSize(EVENTS);
            await().atMost(WsTestClient.TIMEOUT).untilAsserted(() ->
                    assertThat(metric(base(), "flowcast_clients_cut_total")).isEqualTo(cutBefore + 1));
            assertThat(slow.events(topic).size()).isLessThan(EVENTS);
            // The server let go of the slow client's session, while it was still not reading.
            await().atMost(WsTestClient.TIMEOUT).untilAsserted(() ->
                    assertThat(metric(base(), "flowcast_sessions")).isEqualTo(sessionsWithBoth - 1));

            // Reading again, the client finds the connection ended: 1008 when the close frame could still be
            // written behind the backlog, else a dropped connection. (The JDK client does not always report a
            // drop that happened while it was not reading, so only a close it does report is checked.)
            slow.resume();
            assertThat(fast.isClosed()).isFalse();
            if (slow.isClosed() && slow.closeCode() == 1008) {
                assertThat(slow.closeReason()).isEqualTo("slow consumer");
            }
            assertThat(slow.events(topic).size()).isLessThan(EVENTS);
        }
    }
}
