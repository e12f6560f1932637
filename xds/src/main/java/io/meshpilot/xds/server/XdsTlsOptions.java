package io.meshpilot.xds.server;

import io.meshpilot.xds.auth.XdsAuthenticator;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The TLS xDS listener (istiod's 15012): where it listens and the PEM files it serves with, as a
 * mounted Kubernetes Secret holds them ({@code tls.crt}, {@code tls.key}, {@code ca.crt}). The files
 * are re-read when they change; connected proxies keep their connections.
 *
 * @param address where to listen; port 0 picks a free port
 * @param certFile the server certificate chain, leaf first
 * @param keyFile the server's private key (PKCS#8, PKCS#1 or SEC1 PEM)
 * @param clientCaFile when present, clients must present a certificate issued by one of these CAs
 * @param pollInterval how often the files are compared with what is served, besides the directory
 *     watch (which misses changes on some file systems)
 * @param authenticator decides which streams on this listener are served (client certificate or
 *     bearer token, as istiod's 15012 does); {@link XdsAuthenticator#disabled()} serves every stream
 * @param plaintextListener whether the plaintext listener opens too (istiod's 15010); false serves
 *     xDS only here
 */
public record XdsTlsOptions(InetSocketAddress address, Path certFile, Path keyFile, Optional<Path> clientCaFile,
    Duration pollInterval, XdsAuthenticator authenticator, boolean plaintextListener) {
  /** The poll interval when none is given. */
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(10);

  public XdsTlsOptions {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(certFile, "certFile");
    Objects.requireNonNull(keyFile, "keyFile");
    Objects.requireNonNull(clientCaFile, "clientCaFile");
    Objects.requireNonNull(authenticator, "authenticator");
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("pollInterval must be positive: " + pollInterval);
    }
  }

  /** Server certificate and key, no client verification, the default poll interval, no authentication. */
  public static XdsTlsOptions of(InetSocketAddress address, Path certFile, Path keyFile) {
    return new XdsTlsOptions(address, certFile, keyFile, Optional.empty(), DEFAULT_POLL_INTERVAL,
        XdsAuthenticator.disabled(), true);
  }

  /** The same, requiring client certificates issued by the CAs in {@code caFile}. */
  public XdsTlsOptions withClientCa(Path caFile) {
    return new XdsTlsOptions(address, certFile, keyFile, Optional.of(caFile), pollInterval, authenticator,
        plaintextListener);
  }

  public XdsTlsOptions withPollInterval(Duration interval) {
    return new XdsTlsOptions(address, certFile, keyFile, clientCaFile, interval, authenticator, plaintextListener);
  }

  /** The same, authenticating streams with {@code value}. */
  public XdsTlsOptions withAuthenticator(XdsAuthenticator value) {
    return new XdsTlsOptions(address, certFile, keyFile, clientCaFile, pollInterval, value, plaintextListener);
  }

  /** The same, without the plaintext listener: xDS only over TLS. */
  public XdsTlsOptions withoutPlaintextListener() {
    return new XdsTlsOptions(address, certFile, keyFile, clientCaFile, pollInterval, authenticator, false);
  }
}
