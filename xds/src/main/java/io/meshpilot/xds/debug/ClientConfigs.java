package io.meshpilot.xds.debug;

import com.google.protobuf.Any;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.admin.v3.UpdateFailureState;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.status.v3.ClientConfig;
import io.envoyproxy.envoy.service.status.v3.ConfigStatus;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.server.ProxySyncState;
import io.meshpilot.xds.server.SyncStatus;
import io.meshpilot.xds.server.TypeSyncState;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The resources of a syncz answer, as istiod's status generator builds them: one
 * envoy.service.status.v3.ClientConfig per connected proxy, with the node's id and the metadata
 * istioctl reads (CLUSTER_ID, NAMESPACE, ISTIO_VERSION), and per watched type its status, when it
 * was last sent, and the last NACK. A stream that asked for nothing but debug types (istioctl
 * itself) is no proxy and is left out; istiod leaves out nodes without PROXY_CONFIG metadata for
 * the same reason, which simulated and hand-bootstrapped Envoys do not send either.
 */
final class ClientConfigs {
  /** Go's zero time, which istiod sends for a type never sent. */
  private static final Instant GO_ZERO_TIME = Instant.parse("0001-01-01T00:00:00Z");

  private ClientConfigs() {}

  /**
   * @param proxies the connections, in any order (the answer is sorted by proxy id, then connection)
   * @param namespace only proxies of this config namespace; empty for all
   */
  static List<Any> of(List<ProxySyncState> proxies, Optional<String> namespace) {
    return proxies.stream()
        .filter(p -> !p.types().isEmpty())
        .filter(p -> namespace.isEmpty() || namespace.get().equals(p.proxy().namespace()))
        .sorted(Comparator.comparing((ProxySyncState p) -> p.proxy().id()).thenComparing(ProxySyncState::connectionId))
        .map(p -> Any.pack(clientConfig(p)))
        .toList();
  }

  private static ClientConfig clientConfig(ProxySyncState state) {
    ClientConfig.Builder config = ClientConfig.newBuilder().setNode(node(state.proxy()));
    state.types().values().stream()
        .sorted(Comparator.comparing(t -> t.type().typeUrl()))
        .forEach(type -> config.addGenericXdsConfigs(genericConfig(type)));
    return config.build();
  }

  private static Node node(Proxy proxy) {
    Struct.Builder metadata = Struct.newBuilder();
    // NodeMetadata.ToStruct: empty fields are omitted
    putIfSet(metadata, "CLUSTER_ID", proxy.clusterId());
    putIfSet(metadata, "NAMESPACE", proxy.namespace());
    putIfSet(metadata, "ISTIO_VERSION", proxy.istioVersion());
    return Node.newBuilder().setId(proxy.id()).setMetadata(metadata).build();
  }

  private static ClientConfig.GenericXdsConfig genericConfig(TypeSyncState type) {
    Timestamp lastSent = timestamp(type.lastSent().orElse(GO_ZERO_TIME));
    ClientConfig.GenericXdsConfig.Builder config = ClientConfig.GenericXdsConfig.newBuilder()
        .setTypeUrl(type.type().typeUrl())
        .setConfigStatus(configStatus(type.status()))
        .setLastUpdated(lastSent);
    type.lastError().ifPresent(error -> config.setErrorState(UpdateFailureState.newBuilder()
        .setLastUpdateAttempt(lastSent)
        .setDetails(error)));
    return config.build();
  }

  private static ConfigStatus configStatus(SyncStatus status) {
    return switch (status) {
      case SYNCED -> ConfigStatus.SYNCED;
      case NOT_SENT -> ConfigStatus.NOT_SENT;
      case STALE -> ConfigStatus.STALE;
      case ERROR -> ConfigStatus.ERROR;
    };
  }

  private static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
  }

  private static void putIfSet(Struct.Builder metadata, String key, String value) {
    if (!value.isEmpty()) {
      metadata.putFields(key, Value.newBuilder().setStringValue(value).build());
    }
  }
}
