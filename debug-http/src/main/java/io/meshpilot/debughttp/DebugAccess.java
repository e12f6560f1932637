package io.meshpilot.debughttp;

import io.meshpilot.xds.auth.TokenReviewer;
import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides who may read which {@code /debug/} endpoint (istiod's {@code allowAuthenticatedOrLocalhost}
 * plus namespace authorization): loopback callers pass if their {@code Host} header names loopback
 * too (else they are a DNS-rebound browser and are treated as remote, see {@link LoopbackHost});
 * others must present
 * {@code Authorization: Bearer <token>} (or {@code Istio <token>}) known to the token file or
 * accepted by a TokenReview, else 401; an identity outside the system namespace may use only the
 * proxy-scoped endpoints (and sees only its own namespace there), else 403. With debug off, 404.
 */
final class DebugAccess {
  private static final Logger LOG = LoggerFactory.getLogger(DebugAccess.class);
  private static final String SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";
  /** What a namespace-scoped identity may read; the handlers limit it to its own namespace. */
  static final Set<String> SCOPED_ENDPOINTS = Set.of("config_dump", "syncz", "adsz");

  /** The outcome for one request. */
  sealed interface Decision {
    /** Serve the request for this caller. */
    record Allow(Caller caller) implements Decision {}

    /** Refuse with this status and an empty body. */
    record Deny(int status, String reason) implements Decision {}
  }

  private final DebugHttpOptions options;
  private final Optional<TokenFile> tokenFile;
  private final TokenReviewer reviewer;
  private final Predicate<InetAddress> trusted;

  /**
   * @param reviewer asked when there is no token file and TokenReview is on
   * @param trusted which remote addresses pass without a token (loopback in production)
   */
  DebugAccess(DebugHttpOptions options, TokenReviewer reviewer, Predicate<InetAddress> trusted) {
    this.options = Objects.requireNonNull(options, "options");
    this.tokenFile = options.tokenFile().map(TokenFile::new);
    this.reviewer = Objects.requireNonNull(reviewer, "reviewer");
    this.trusted = Objects.requireNonNull(trusted, "trusted");
  }

  DebugAccess(DebugHttpOptions options, TokenReviewer reviewer) {
    this(options, reviewer, InetAddress::isLoopbackAddress);
  }

  /**
   * @param remote the client's address (null if unknown: treated as not trusted)
   * @param host the Host header, if sent
   * @param authorization the Authorization header, if sent
   * @param path the request path, e.g. {@code /debug/syncz}
   */
  Decision decide(InetAddress remote, Optional<String> host, Optional<String> authorization, String path) {
    if (!options.debugEnabled()) {
      return new Decision.Deny(404, "debug endpoints are off (ENABLE_DEBUG_ON_HTTP=false)");
    }
    if (remote != null && trusted.test(remote)) {
      if (host.isEmpty() || LoopbackHost.isLoopback(host.get())) {
        return new Decision.Allow(Caller.full("loopback"));
      }
      LOG.info("debug: {} from loopback with Host {}: not a loopback name (DNS rebinding?); a token is required",
          path, host.get());
    }
    Optional<Caller> caller = authorization.flatMap(DebugAccess::bearerToken).flatMap(this::authenticate);
    if (caller.isEmpty()) {
      return deny(401, path, remote, authorization.isEmpty() ? "no bearer token" : "token not accepted");
    }
    String endpoint = endpointName(path);
    if (caller.get().namespace().isPresent() && !SCOPED_ENDPOINTS.contains(endpoint)) {
      return deny(403, path, remote, caller.get().name() + " (namespace " + caller.get().namespace().get()
          + ") may read only " + String.join(", ", SCOPED_ENDPOINTS.stream().sorted().toList()));
    }
    return new Decision.Allow(caller.get());
  }

  private Optional<Caller> authenticate(String token) {
    if (tokenFile.isPresent()) {
      return tokenFile.get().find(token).map(entry -> entry.namespace()
          .filter(ns -> !options.fullAccess(ns))
          .map(ns -> Caller.scoped("token-file", ns))
          .orElseGet(() -> Caller.full("token-file")));
    }
    if (!options.tokenReview()) {
      return Optional.empty();
    }
    return reviewer.review(token).flatMap(user -> {
      if (!user.startsWith(SERVICE_ACCOUNT_PREFIX)) {
        LOG.info("debug: reviewed user {} is not a service account", user);
        return Optional.empty();
      }
      String[] parts = user.substring(SERVICE_ACCOUNT_PREFIX.length()).split(":", -1);
      if (parts.length != 2 || parts[0].isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(options.fullAccess(parts[0]) ? Caller.full(user) : Caller.scoped(user, parts[0]));
    });
  }

  private static Optional<String> bearerToken(String header) {
    for (String scheme : new String[] {"Bearer ", "Istio "}) {
      if (header.regionMatches(true, 0, scheme, 0, scheme.length())) {
        String token = header.substring(scheme.length()).strip();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
      }
    }
    return Optional.empty();
  }

  /** istiod compares the path with {@code /debug/} stripped. */
  static String endpointName(String path) {
    String name = path.startsWith(DebugController.PREFIX) ? path.substring(DebugController.PREFIX.length()) : path;
    return name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
  }

  private static Decision deny(int status, String path, InetAddress remote, String reason) {
    LOG.info("debug: {} refused {} for {}: {}", path, status, remote == null ? "unknown address" : remote.getHostAddress(),
        reason);
    return new Decision.Deny(status, reason);
  }
}
