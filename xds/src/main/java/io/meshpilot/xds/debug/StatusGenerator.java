package io.meshpilot.xds.debug;

import com.google.protobuf.Any;
import io.grpc.Status;
import io.meshpilot.xds.dump.ConfigDumpBuilder;
import io.meshpilot.xds.dump.ProxyIdPattern;
import io.meshpilot.xds.server.DebugGenerator;
import io.meshpilot.xds.server.DebugRequest;
import io.meshpilot.xds.server.DebugResponse;
import io.meshpilot.xds.server.ProxySyncState;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * istiod's status generator: answers {@code istio.io/debug/syncz} with every proxy's sync status and
 * {@code istio.io/debug/config_dump} with the config dump of the one proxy the request names, both
 * limited to what the caller may see ({@link DebugAuthorization}). Other {@code istio.io/debug}
 * types (istiod's HTTP debug views over xDS, {@code istioctl x internal-debug}) end the stream with
 * UNIMPLEMENTED rather than leave istioctl waiting. A malformed config_dump request
 * or one for a proxy not connected here gets an answer without resources, as from istiod (the
 * proxy may be connected to another replica).
 */
public final class StatusGenerator implements DebugGenerator {
  private static final Logger LOG = LoggerFactory.getLogger(StatusGenerator.class);

  private final DebugSettings settings;
  private final ConfigDumpBuilder dumps;
  private final Supplier<String> pushVersion;

  /**
   * @param dumps builds a proxy's config dump from what the server would send it now
   * @param pushVersion the version of the push context proxies are served from now
   */
  public StatusGenerator(DebugSettings settings, ConfigDumpBuilder dumps, Supplier<String> pushVersion) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.dumps = Objects.requireNonNull(dumps, "dumps");
    this.pushVersion = Objects.requireNonNull(pushVersion, "pushVersion");
  }

  @Override
  public Optional<DebugResponse> generate(DebugRequest request) {
    Optional<DebugType> type = DebugType.ofTypeUrl(request.typeUrl());
    if (type.isEmpty()) {
      if (request.typeUrl().startsWith(DebugType.FAMILY)) {
        // istioctl waits for an answer until its --timeout: say at once that this one will not come.
        throw Status.UNIMPLEMENTED.withDescription("meshpilot does not serve " + request.typeUrl()
            + " over xDS; it serves " + DebugType.SYNCZ.typeUrl() + " and " + DebugType.CONFIG_DUMP.typeUrl()
            + ", and the other debug views on its HTTP port (/debug/...)").asRuntimeException();
      }
      return Optional.empty();
    }
    Optional<String> scope = settings.authorization().scope(request.identities());
    String version = pushVersion.get();
    return Optional.of(switch (type.get()) {
      case SYNCZ -> new DebugResponse(version, ClientConfigs.of(request.proxies().proxies(), scope),
          Optional.of(settings.instance().toControlPlane()));
      case CONFIG_DUMP -> new DebugResponse(version, configDump(request, scope, version), Optional.empty());
    });
  }

  private List<Any> configDump(DebugRequest request, Optional<String> scope, String version) {
    if (request.resourceNames().size() != 1) {
      LOG.info("{} with {} resource names from {}: expected one proxy id", DebugType.CONFIG_DUMP.typeUrl(),
          request.resourceNames().size(), request.caller().id());
      return List.of();
    }
    String proxyId = request.resourceNames().get(0);
    ProxyIdPattern pattern = new ProxyIdPattern(proxyId);
    Optional<ProxySyncState> proxy = request.proxies().proxies().stream()
        .filter(pattern::matches)
        .filter(p -> scope.isEmpty() || scope.get().equals(p.proxy().namespace()))
        .findFirst();
    if (proxy.isEmpty()) {
      LOG.info("{} for {}: no such proxy connected here{}", DebugType.CONFIG_DUMP.typeUrl(), proxyId,
          scope.map(ns -> " in namespace " + ns).orElse(""));
      return List.of();
    }
    return dumps.full(proxy.get().proxy(), version, false).getConfigsList();
  }
}
