package dev.flowcast.ingest;

import java.io.IOException;
import java.io.InputStream;

/**
 * Checks and reads request bodies within a byte limit, so an oversized body is refused after reading at
 * most limit + 1 bytes instead of being buffered whole. Stateless.
 */
final class RequestBodies {

    private RequestBodies() {
    }

    /** @throws PublishError 415 unless the content type is application/json (UTF-8, if a charset is named) */
    static void requireJson(String contentType) {
        if (!isJsonInUtf8(contentType)) {
            throw new PublishError(415, "unsupported_media_type", "the body must be application/json in UTF-8");
        }
    }

    /** {@code application/json} in any case, with any parameters, and a {@code charset} only if it is UTF-8. */
    static boolean isJsonInUtf8(String contentType) {
        if (contentType == null) {
            return false;
        }
        String[] parts = contentType.split(";");
        if (!"application/json".equalsIgnoreCase(parts[0].strip())) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].strip();
            int equals = parameter.indexOf('=');
            if (equals > 0 && "charset".equalsIgnoreCase(parameter.substring(0, equals).strip())) {
                String charset = parameter.substring(equals + 1).strip().replace("\"", "");
                if (!"utf-8".equalsIgnoreCase(charset)) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Reads the whole body. @throws PublishError 413 as soon as it passes {@code limit} bytes
     *
     * <p>Before answering 413 it reads and discards the rest of the body, up to {@link #MAX_DISCARD} bytes: a
     * client that is still sending (the JDK's HttpClient, curl) only reads the answer once its body is out, so
     * an unread body would leave it hanging. Past that, the 413 also closes the connection.
     */
    static byte[] read(InputStream in, long declaredLength, int limit, PublishError tooLarge) {
        try {
            if (declaredLength > limit) {
                discardRest(in);
                throw tooLarge;
            }
            byte[] body = declaredLength >= 0 ? readDeclared(in, (int) declaredLength) : in.readNBytes(limit + 1);
            if (body.length > limit) {
                discardRest(in);
                throw tooLarge;
            }
            return body;
        } catch (IOException e) {
            throw new PublishError(400, "bad_body", "the request body could not be read");
        }
    }

    /**
     * A body whose length was declared (and is within the limit), read into an array of that size: readNBytes(n)
     * starts with an 8 KiB buffer and copies, the largest allocation of a publish (docs/profiles/publish-alloc.txt).
     * The container ends the stream at the declared length. A body that ends before it (the client went away, or
     * the container lost part of it) is refused as such, not parsed: parsing what arrived would answer a confusing
     * "bad JSON" for what the client sent whole.
     */
    private static byte[] readDeclared(InputStream in, int declared) throws IOException {
        byte[] body = new byte[declared];
        int n = in.readNBytes(body, 0, declared);
        if (n < declared) {
            throw new PublishError(400, "bad_body", "the request body ended after " + n + " of the " + declared
                    + " bytes its Content-Length declared");
        }
        return body;
    }

    /** Most bytes of an oversized body read and thrown away so its sender sees the 413. */
    static final long MAX_DISCARD = 64L * 1024 * 1024;

    private static void discardRest(InputStream in) throws IOException {
        long skipped = 0;
        byte[] sink = new byte[8192];
        int n;
        while (skipped < MAX_DISCARD && (n = in.read(sink)) > 0) {
            skipped += n;
        }
    }
}
