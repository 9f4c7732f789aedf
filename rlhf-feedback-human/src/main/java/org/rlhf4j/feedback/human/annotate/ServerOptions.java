package org.rlhf4j.feedback.human.annotate;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Where and how the web app listens.
 *
 * @param host the address to bind
 * @param port the port (0: any free one)
 * @param tls the key to serve HTTPS with; empty for plain HTTP
 * @param insecureHttp allow plain HTTP on an address other than loopback (a warning is logged)
 * @param rateLimit the requests one token may make
 */
public record ServerOptions(String host, int port, Optional<TlsKeystore> tls, boolean insecureHttp, RateLimit rateLimit) {
    public ServerOptions {
        requireNonNull(host, "host is null");
        requireNonNull(tls, "tls is null");
        requireNonNull(rateLimit, "rateLimit is null");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("a port is 0 to 65535, got " + port);
        }
    }

    /** Plain HTTP on {@code host}:{@code port} with the default rate limit (refused off loopback, see {@link #checkBind}). */
    public static ServerOptions http(String host, int port) {
        return new ServerOptions(host, port, Optional.empty(), false, RateLimit.DEFAULT);
    }

    /** HTTPS with {@code tls} on {@code host}:{@code port} with the default rate limit. */
    public static ServerOptions https(String host, int port, TlsKeystore tls) {
        return new ServerOptions(host, port, Optional.of(tls), false, RateLimit.DEFAULT);
    }

    /** These options with another rate limit. */
    public ServerOptions withRateLimit(RateLimit limit) {
        return new ServerOptions(host, port, tls, insecureHttp, limit);
    }

    /** These options, allowing plain HTTP off loopback. */
    public ServerOptions withInsecureHttp() {
        return new ServerOptions(host, port, tls, true, rateLimit);
    }

    /** {@code https} or {@code http}. */
    public String scheme() {
        return tls.isPresent() ? "https" : "http";
    }

    /**
     * Refuses plain HTTP on an address that is not loopback unless {@link #insecureHttp} allows it: tokens and labels
     * would cross the network readable by anyone on it.
     *
     * @return the warning to log when plain HTTP is allowed off loopback
     * @throws IllegalArgumentException when it is refused, or the host does not resolve
     */
    public Optional<String> checkBind() {
        if (tls.isPresent() || isLoopback(host)) {
            return Optional.empty();
        }
        if (!insecureHttp) {
            throw new IllegalArgumentException("refusing to serve plain HTTP on " + host + ", which is not a loopback "
                    + "address: tokens and labels would cross the network unencrypted. Serve HTTPS with --tls-keystore FILE "
                    + "(PKCS12), or, on a network you trust, allow it with --insecure-http");
        }
        return Optional.of("serving plain HTTP on " + host + " (--insecure-http): tokens and labels cross the network "
                + "unencrypted, readable by anyone on it; use --tls-keystore FILE unless the network is trusted");
    }

    private static boolean isLoopback(String host) {
        try {
            InetAddress[] addresses = InetAddress.getAllByName(host);
            for (InetAddress address : addresses) {
                if (!address.isLoopbackAddress()) {
                    return false;
                }
            }
            return addresses.length > 0;
        }
        catch (UnknownHostException e) {
            throw new IllegalArgumentException("cannot resolve the host '" + host + "' to listen on", e);
        }
    }
}
