package dev.flowcast.bench;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;

/**
 * Where the generator connects: a loopback socket address plus the request target and the {@code Host} header.
 *
 * <p>Immutable. Refuses any host that is not a loopback address, so a load run can never leave the machine.
 *
 * @param address resolved loopback address
 * @param hostHeader value of the {@code Host} header ({@code host:port})
 * @param target request target of the URL's path and query, e.g. {@code /ws} or {@code /api}
 */
record Endpoint(InetSocketAddress address, String hostHeader, String target) {

    /** Parses {@code ws://}, {@code http://} URLs; the default port is 80. */
    static Endpoint parse(String url) {
        URI uri = URI.create(url.trim());
        String scheme = uri.getScheme();
        if (!"ws".equals(scheme) && !"http".equals(scheme)) {
            throw new IllegalArgumentException(url + ": only ws:// and http:// (no TLS) are supported");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException(url + ": no host");
        }
        InetAddress host;
        try {
            host = InetAddress.getByName(uri.getHost());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(url + ": unknown host", e);
        }
        if (!host.isLoopbackAddress()) {
            throw new IllegalArgumentException(url + ": load is only ever sent to a loopback address");
        }
        int port = uri.getPort() < 0 ? 80 : uri.getPort();
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String target = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        return new Endpoint(new InetSocketAddress(host, port), uri.getHost() + ":" + port, target);
    }

    /** The path without a trailing slash, to append API paths to. */
    String base() {
        return target.endsWith("/") ? target.substring(0, target.length() - 1) : target;
    }
}
