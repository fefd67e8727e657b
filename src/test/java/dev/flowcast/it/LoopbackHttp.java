package dev.flowcast.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * One HTTP/1.0 request from a chosen loopback address (127.0.0.2, 127.0.0.3, …): the server sees each as a
 * different client's remote address, which the JDK's {@code HttpClient} (Java 17) cannot do. Plain HTTP, or
 * HTTPS trusting any certificate (Payara Micro's self-signed one). No redirects followed, no cookies kept: the
 * test sees and sends exactly what it means to.
 */
final class LoopbackHttp {

    private static final int TIMEOUT_MILLIS = 30_000;

    /** A response: status, headers (names lower-case, every value), body as UTF-8. */
    record Response(int status, Map<String, List<String>> headers, String body) {

        Optional<String> header(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of()).stream().findFirst();
        }

        /** The {@code Set-Cookie} header that sets {@code name}, if any. */
        Optional<String> setCookie(String name) {
            return headers.getOrDefault("set-cookie", List.of()).stream()
                    .filter(c -> c.startsWith(name + "=")).findFirst();
        }
    }

    private LoopbackHttp() {
    }

    /**
     * Sends one request and reads the whole response.
     *
     * @param from    the local address to send from, e.g. {@code 127.0.0.3}
     * @param target  {@code http://127.0.0.1:PORT/path?query} or {@code https://…}
     * @param headers extra request headers, e.g. {@code Cookie}
     * @param body    a form body for POST ({@code application/x-www-form-urlencoded}), or null for GET
     */
    static Response send(String from, URI target, Map<String, String> headers, String body) throws IOException {
        Socket socket = new Socket();
        try {
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress(target.getHost(), target.getPort()), TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            Socket wire = "https".equals(target.getScheme()) ? tls(socket, target) : socket;
            OutputStream out = wire.getOutputStream();
            StringBuilder request = new StringBuilder()
                    .append(body == null ? "GET " : "POST ").append(target.getRawPath())
                    .append(target.getRawQuery() == null ? "" : "?" + target.getRawQuery()).append(" HTTP/1.0\r\n")
                    .append("Host: ").append(target.getHost()).append(':').append(target.getPort()).append("\r\n")
                    .append("Connection: close\r\n");
            headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
            byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            if (body != null) {
                request.append("Content-Type: application/x-www-form-urlencoded\r\n")
                        .append("Content-Length: ").append(content.length).append("\r\n");
            }
            out.write(request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(content);
            out.flush();
            return parse(readAll(wire.getInputStream()));
        } finally {
            socket.close();
        }
    }

    private static Socket tls(Socket plain, URI target) throws IOException {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new TrustEverything()}, null);
            SSLSocket socket = (SSLSocket) context.getSocketFactory()
                    .createSocket(plain, target.getHost(), target.getPort(), true);
            socket.startHandshake();
            return socket;
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        return all.toByteArray();
    }

    private static Response parse(byte[] raw) {
        String text = new String(raw, StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        String head = end < 0 ? text : text.substring(0, end);
        String body = end < 0 ? "" : text.substring(end + 4);
        String[] lines = head.split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .add(lines[i].substring(colon + 1).trim());
            }
        }
        return new Response(status, headers, body);
    }

    /** Payara Micro's HTTPS listener has a self-signed certificate: these tests check cookies, not certificates. */
    private static final class TrustEverything implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
