package io.meshpilot.debughttp;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How to run the debug HTTP server, and who may read {@code /debug/*} (istiod's rules, reference
 * istio-registry.md §2.2): loopback callers always; others with a bearer token from the token file,
 * else through a Kubernetes TokenReview when running in a cluster; identities outside the system
 * namespace only the proxy-scoped endpoints, limited to their own namespace.
 *
 * @param bindAddress the address to listen on, e.g. {@code 0.0.0.0} or {@code 127.0.0.1}
 * @param port the port to listen on (15014 in production); 0 picks a free port
 * @param version the text {@code /version} returns
 * @param debugEnabled {@code ENABLE_DEBUG_ON_HTTP}: false answers every {@code /debug/} path with 404
 * @param tokenFile bearer tokens accepted from non-loopback callers, one per line: {@code token} (full
 *     access) or {@code token namespace}; re-read when it changes
 * @param tokenReview check bearer tokens with a Kubernetes TokenReview (used only without a token file)
 * @param tokenAudiences {@code TOKEN_AUDIENCES}: audiences a reviewed token must carry
 * @param namespaceAuthorization {@code ENABLE_DEBUG_ENDPOINT_AUTH}: limit identities outside the
 *     system namespace; false gives every authenticated caller full access
 * @param systemNamespace the mesh root namespace, {@code istio-system}
 * @param allowedNamespaces {@code DEBUG_ENDPOINT_AUTH_ALLOWED_NAMESPACES}: namespaces with full access too
 */
public record DebugHttpOptions(String bindAddress, int port, String version, boolean debugEnabled,
    Optional<Path> tokenFile, boolean tokenReview, List<String> tokenAudiences, boolean namespaceAuthorization,
    String systemNamespace, List<String> allowedNamespaces) {

  public static final String DEFAULT_SYSTEM_NAMESPACE = "istio-system";
  public static final String DEFAULT_TOKEN_AUDIENCE = "istio-ca";

  public DebugHttpOptions {
    Objects.requireNonNull(bindAddress, "bindAddress");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(tokenFile, "tokenFile");
    Objects.requireNonNull(systemNamespace, "systemNamespace");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    tokenAudiences = tokenAudiences == null || tokenAudiences.isEmpty()
        ? List.of(DEFAULT_TOKEN_AUDIENCE) : List.copyOf(tokenAudiences);
    allowedNamespaces = allowedNamespaces == null ? List.of() : List.copyOf(allowedNamespaces);
    if (systemNamespace.isEmpty()) {
      systemNamespace = DEFAULT_SYSTEM_NAMESPACE;
    }
  }

  /** istiod's defaults: debug on, no token file, no TokenReview (only loopback callers get in). */
  public DebugHttpOptions(String bindAddress, int port, String version) {
    this(bindAddress, port, version, true, Optional.empty(), false, List.of(DEFAULT_TOKEN_AUDIENCE), true,
        DEFAULT_SYSTEM_NAMESPACE, List.of());
  }

  /**
   * Options from the process environment, read once at start-up: {@code ENABLE_DEBUG_ON_HTTP},
   * {@code ENABLE_DEBUG_ENDPOINT_AUTH}, {@code TOKEN_AUDIENCES},
   * {@code DEBUG_ENDPOINT_AUTH_ALLOWED_NAMESPACES}; TokenReview is on when
   * {@code KUBERNETES_SERVICE_HOST} is set (running in a cluster), there is no token file and
   * {@code XDS_AUTH} is not {@code false} (istiod's switch: without authenticators every
   * non-loopback debug caller gets 401).
   *
   * @param tokenFile {@code --debug-token-file}, if given
   * @param systemNamespace MeshConfig {@code rootNamespace}
   */
  public static DebugHttpOptions fromEnvironment(String bindAddress, int port, String version,
      Optional<Path> tokenFile, String systemNamespace, Map<String, String> env) {
    boolean inCluster = !env.getOrDefault("KUBERNETES_SERVICE_HOST", "").isEmpty();
    return new DebugHttpOptions(bindAddress, port, version,
        bool(env, "ENABLE_DEBUG_ON_HTTP", true),
        tokenFile,
        inCluster && tokenFile.isEmpty() && bool(env, "XDS_AUTH", true),
        list(env.getOrDefault("TOKEN_AUDIENCES", DEFAULT_TOKEN_AUDIENCE)),
        bool(env, "ENABLE_DEBUG_ENDPOINT_AUTH", true),
        systemNamespace,
        list(env.getOrDefault("DEBUG_ENDPOINT_AUTH_ALLOWED_NAMESPACES", "")));
  }

  /** These options with {@code /debug/*} switched on or off. */
  public DebugHttpOptions withDebugEnabled(boolean enabled) {
    return new DebugHttpOptions(bindAddress, port, version, enabled, tokenFile, tokenReview, tokenAudiences,
        namespaceAuthorization, systemNamespace, allowedNamespaces);
  }

  /** These options accepting the tokens of this file. */
  public DebugHttpOptions withTokenFile(Path file) {
    return new DebugHttpOptions(bindAddress, port, version, debugEnabled, Optional.of(file), tokenReview,
        tokenAudiences, namespaceAuthorization, systemNamespace, allowedNamespaces);
  }

  /** These options with Kubernetes TokenReview on or off. */
  public DebugHttpOptions withTokenReview(boolean enabled) {
    return new DebugHttpOptions(bindAddress, port, version, debugEnabled, tokenFile, enabled, tokenAudiences,
        namespaceAuthorization, systemNamespace, allowedNamespaces);
  }

  /** These options with namespace authorization on or off. */
  public DebugHttpOptions withNamespaceAuthorization(boolean enabled) {
    return new DebugHttpOptions(bindAddress, port, version, debugEnabled, tokenFile, tokenReview, tokenAudiences,
        enabled, systemNamespace, allowedNamespaces);
  }

  /** True if an identity of this namespace may read every debug endpoint. */
  boolean fullAccess(String namespace) {
    return !namespaceAuthorization || namespace.equals(systemNamespace) || allowedNamespaces.contains(namespace);
  }

  private static boolean bool(Map<String, String> env, String name, boolean fallback) {
    String value = env.getOrDefault(name, "").trim().toLowerCase(Locale.ROOT);
    return switch (value) {
      case "true", "1", "t" -> true;
      case "false", "0", "f" -> false;
      default -> fallback; // Go's strconv.ParseBool; unparseable keeps the default, as istiod's env vars do
    };
  }

  private static List<String> list(String commaSeparated) {
    return Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }
}
