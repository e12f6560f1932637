package io.meshpilot.xds.server;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.security.GeneralSecurityException;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of TLS xDS: one {@link SslContext} whose key and trust managers are swapped in
 * place when the PEM files change, so new handshakes use the new certificate while established
 * connections keep theirs. Changes are noticed by watching the files' directories (a Kubernetes
 * Secret mount swaps its {@code ..data} symlink, which shows up there) and by comparing the files'
 * contents every poll interval. A new set of files that cannot be used (unparsable, key not
 * matching the certificate, half written) is logged once and the current one stays in use.
 */
final class ReloadingServerTls implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReloadingServerTls.class);
  /** After a file event, wait until the directory has been quiet this long (writers finishing). */
  private static final long SETTLE_MILLIS = 100;

  private final XdsTlsOptions options;
  private final AdvancedTlsX509KeyManager keyManager = new AdvancedTlsX509KeyManager();
  private final AdvancedTlsX509TrustManager trustManager;
  private final WatchService watcher;
  private final Thread thread;
  private final AtomicLong reloads = new AtomicLong();
  private volatile TlsMaterial current;
  private TlsMaterial.Contents lastRejected;
  private String lastReadError;
  private volatile boolean closed;

  private ReloadingServerTls(XdsTlsOptions options, TlsMaterial initial, AdvancedTlsX509TrustManager trustManager,
      WatchService watcher) {
    this.options = options;
    this.trustManager = trustManager;
    this.watcher = watcher;
    apply(initial);
    this.thread = new Thread(this::watch, "meshpilot-tls-reload");
    thread.setDaemon(true);
  }

  /**
   * Reads the files and starts following them.
   *
   * @throws IOException if the files cannot be read or used now, naming the file and the reason
   */
  static ReloadingServerTls start(XdsTlsOptions options) throws IOException {
    TlsMaterial initial;
    try {
      initial = TlsMaterial.parse(options, TlsMaterial.Contents.read(options));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IOException("TLS xDS: " + reason(e), e);
    }
    AdvancedTlsX509TrustManager trust = null;
    if (options.clientCaFile().isPresent()) {
      try {
        // Clients are proxies identified by their certificate, not by a host name.
        trust = AdvancedTlsX509TrustManager.newBuilder()
            .setVerification(AdvancedTlsX509TrustManager.Verification.CERTIFICATE_ONLY_VERIFICATION).build();
      } catch (GeneralSecurityException e) {
        throw new IOException("TLS xDS: cannot create the client trust manager: " + e.getMessage(), e);
      }
    }
    WatchService watcher = FileSystems.getDefault().newWatchService();
    Set<Path> directories = new LinkedHashSet<>();
    directories.add(directory(options.certFile()));
    directories.add(directory(options.keyFile()));
    options.clientCaFile().ifPresent(ca -> directories.add(directory(ca)));
    for (Path directory : directories) {
      directory.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
          StandardWatchEventKinds.ENTRY_DELETE);
    }
    ReloadingServerTls tls = new ReloadingServerTls(options, initial, trust, watcher);
    LOG.info("TLS xDS certificate loaded from {}: {}{}", options.certFile(), initial.describe(), clientAuth(initial));
    tls.thread.start();
    return tls;
  }

  /** A server context for gRPC (ALPN h2), TLS 1.2 and 1.3, requiring client certificates if a CA is set. */
  SslContext sslContext() throws SSLException {
    SslContextBuilder builder = GrpcSslContexts.configure(SslContextBuilder.forServer(keyManager))
        .protocols("TLSv1.3", "TLSv1.2");
    if (trustManager != null) {
      builder.trustManager(trustManager).clientAuth(ClientAuth.REQUIRE);
    }
    return builder.build();
  }

  /** How many times new files were taken into use after the first load. */
  long reloads() {
    return reloads.get();
  }

  /** The leaf certificate being served. */
  java.security.cert.X509Certificate certificate() {
    return current.chain()[0];
  }

  /** Compares the files with what is served and takes them into use if they changed and are usable. */
  synchronized void check() {
    TlsMaterial.Contents contents;
    try {
      contents = TlsMaterial.Contents.read(options);
      lastReadError = null;
    } catch (IOException e) {
      String reason = e.getClass().getSimpleName() + " " + e.getMessage();
      if (!reason.equals(lastReadError)) {
        lastReadError = reason;
        LOG.warn("TLS xDS files cannot be read ({}); still serving {}", reason, current.describe());
      }
      return;
    }
    if (contents.sameAs(current.contents()) || contents.sameAs(lastRejected)) {
      return; // unchanged, or the same unusable files already logged: once per change, not per poll
    }
    try {
      TlsMaterial next = TlsMaterial.parse(options, contents);
      apply(next);
      reloads.incrementAndGet();
      LOG.info("TLS xDS certificate reloaded from {}: {}{}", options.certFile(), next.describe(), clientAuth(next));
    } catch (GeneralSecurityException | RuntimeException e) {
      // Whatever is wrong with these files, the next change is tried again; this one is remembered
      // so each poll does not log it anew.
      lastRejected = contents;
      LOG.warn("TLS xDS files changed but cannot be used ({}); still serving {}", reason(e), current.describe());
    }
  }

  private static String reason(Exception e) {
    return e instanceof GeneralSecurityException || e.getMessage() == null ? String.valueOf(e.getMessage())
        : e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  /** Swaps the trust before the identity: if the CA bundle cannot be taken, nothing has changed. */
  private void apply(TlsMaterial material) {
    if (trustManager != null && material.clientCas().isPresent()) {
      try {
        trustManager.updateTrustCredentials(material.clientCas().get());
      } catch (IOException | GeneralSecurityException e) {
        throw new IllegalStateException("cannot use the client CA bundle: " + e.getMessage(), e);
      }
    }
    keyManager.updateIdentityCredentials(material.chain(), material.key());
    current = material;
  }

  private void watch() {
    try {
      while (!closed) {
        WatchKey key = watcher.poll(options.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
        while (key != null) {
          key.pollEvents();
          key.reset();
          key = watcher.poll(SETTLE_MILLIS, TimeUnit.MILLISECONDS);
        }
        check(); // never throws: bad files are logged there, and the loop must outlive them
      }
    } catch (ClosedWatchServiceException | InterruptedException e) {
      // closed
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      watcher.close();
    } catch (IOException e) {
      // nothing left to release
    }
    thread.interrupt();
  }

  private static String clientAuth(TlsMaterial material) {
    return material.clientCas().map(cas -> "; client certificates required, " + cas.length + " CA certificate(s)")
        .orElse("");
  }

  private static Path directory(Path file) {
    Path parent = file.toAbsolutePath().getParent();
    return parent == null ? Path.of("/") : parent;
  }
}
