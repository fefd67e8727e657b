package dev.flowcast.ingest;

import dev.flowcast.event.JsonP;
import jakarta.json.JsonArrayBuilder;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** The publish API's answers as JSON text, and how a servlet writes them. Stateless. */
final class HttpAnswers {

    private HttpAnswers() {
    }

    /** {@code {"id":"…","topic":"…"}}, with {@code "dropped":true} when drop-newest discarded the event. */
    static String accepted(PublishReceipt receipt) {
        var answer = JsonP.PROVIDER.createObjectBuilder().add("id", receipt.id()).add("topic", receipt.topic());
        if (receipt.dropped()) {
            answer.add("dropped", true);
        }
        return answer.build().toString();
    }

    /**
     * {@code {"ids":[…]}}; with {@code "dropped":true} when an overflow policy discarded items, all of them under
     * drop-newest, or those listed in {@code "droppedIds"} when drop-oldest evicted part of a waiting batch.
     */
    static String accepted(BatchReceipt receipt) {
        JsonArrayBuilder idArray = JsonP.PROVIDER.createArrayBuilder();
        boolean all = receipt.droppedIds().size() == receipt.ids().size();
        if (!all) {
            receipt.ids().forEach(idArray::add);
        }
        var answer = JsonP.PROVIDER.createObjectBuilder().add("ids", idArray);
        if (!receipt.droppedIds().isEmpty()) {
            answer.add("dropped", true);
            if (!all) {
                JsonArrayBuilder dropped = JsonP.PROVIDER.createArrayBuilder();
                receipt.droppedIds().forEach(dropped::add);
                answer.add("droppedIds", dropped);
            }
        }
        return answer.build().toString();
    }

    /** Writes the contract's error body with its status (and Retry-After on 429, Connection: close on 413). */
    static void error(HttpServletResponse response, PublishError error) throws IOException {
        if (error.status() == 429) {
            response.setHeader("Retry-After", ErrorBodies.RETRY_AFTER_SECONDS);
        }
        if (error.status() == 413) {
            response.setHeader("Connection", "close"); // the rest of an oversized body may still be on the wire
        }
        json(response, error.status(), ErrorBodies.json(error));
    }

    static void json(HttpServletResponse response, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("application/json");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
