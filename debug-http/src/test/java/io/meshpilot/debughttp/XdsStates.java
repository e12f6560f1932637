package io.meshpilot.debughttp;

import io.meshpilot.xds.proxy.InterceptionMode;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.server.ProxySyncState;
import io.meshpilot.xds.server.TypeSyncState;
import io.meshpilot.xds.server.XdsType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Hand-made proxies and sync states for the JSON shape tests. */
final class XdsStates {
  static final Instant SENT = Instant.parse("2024-05-01T10:20:30.123456789Z");
  static final Instant NACKED = Instant.parse("2024-05-01T10:20:31Z");

  private XdsStates() {}

  static Proxy sidecar(String pod, String namespace, String ip, Map<String, String> labels) {
    String id = pod + "." + namespace;
    String domain = namespace + ".svc.cluster.local";
    return new Proxy("sidecar", ip, id, domain, namespace, labels, List.of(ip), "Kubernetes", "1.30.0",
        InterceptionMode.REDIRECT, "", "sidecar~" + ip + "~" + id + "~" + domain);
  }

  static ProxySyncState connection(Proxy proxy, int counter, Map<XdsType, TypeSyncState> types) {
    return new ProxySyncState(proxy.id() + "-" + counter, proxy, proxy.ipAddress() + ":40000",
        Instant.parse("2024-05-01T10:20:00Z"), types);
  }

  static TypeSyncState synced(XdsType type, String nonce, Set<String> names) {
    return new TypeSyncState(type, nonce, nonce, "v1", "v1", Optional.of(SENT), Optional.empty(), Optional.empty(), names);
  }

  static TypeSyncState stale(XdsType type, String sent, String acked) {
    return new TypeSyncState(type, sent, acked, "v2", "v1", Optional.of(SENT), Optional.empty(), Optional.empty(), Set.of());
  }

  static TypeSyncState nacked(XdsType type, String sent, String error) {
    return new TypeSyncState(type, sent, "", "v1", "", Optional.of(SENT), Optional.of(error), Optional.of(NACKED),
        Set.of("9080"));
  }

  static TypeSyncState requestedOnly(XdsType type, Set<String> names) {
    return new TypeSyncState(type, "", "", "", "", Optional.empty(), Optional.empty(), Optional.empty(), names);
  }
}
