package io.meshpilot.debughttp;

import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.server.ProxySyncState;
import io.meshpilot.xds.server.TypeSyncState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The body of {@code /debug/adsz} (reference §2.3): {@code {"totalClients": n, "clients": [...]}}
 * with each connection's id, connect time, peer address, labels, node metadata (the keys meshpilot
 * reads from the node, in istiod's NodeMetadata order and omitted when empty) and watched names per
 * type URL. {@code clients} is omitted when there are none.
 */
final class AdszJson {
  private AdszJson() {}

  static String write(List<ProxySyncState> clients, boolean pretty) {
    GoJsonWriter json = new GoJsonWriter(pretty);
    try {
      json.startObject().name("totalClients").number(clients.size());
      if (!clients.isEmpty()) {
        json.name("clients").startArray();
        for (ProxySyncState client : clients) {
          writeClient(json, client);
        }
        json.endArray();
      }
      json.endObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return json.toString();
  }

  private static void writeClient(GoJsonWriter json, ProxySyncState client) throws IOException {
    Proxy proxy = client.proxy();
    json.startObject()
        .name("connectionId").string(client.connectionId())
        .name("connectedAt").time(client.connectedAt())
        .name("address").string(client.peerAddress())
        .name("labels").stringMapOrNull(proxy.labels());
    json.name("metadata").startObject();
    omitEmpty(json, "ISTIO_VERSION", proxy.istioVersion());
    if (!proxy.labels().isEmpty()) {
      json.name("LABELS").stringMapOrNull(proxy.labels());
    }
    omitEmpty(json, "INSTANCE_IPS", String.join(",", proxy.instanceIps())); // istiod's StringList joins with commas
    omitEmpty(json, "NAMESPACE", proxy.namespace());
    omitEmpty(json, "INTERCEPTION_MODE", proxy.interceptionMode().name());
    omitEmpty(json, "CLUSTER_ID", proxy.clusterId());
    omitEmpty(json, "GENERATOR", proxy.generator());
    json.endObject();
    if (!client.types().isEmpty()) {
      Map<String, List<String>> watches = new TreeMap<>(GoJsonWriter.GO_STRING_ORDER);
      for (TypeSyncState type : client.types().values()) {
        List<String> names = new ArrayList<>(type.watchedNames());
        names.sort(GoJsonWriter.GO_STRING_ORDER);
        watches.put(type.type().typeUrl(), names);
      }
      json.name("watches").startObject();
      for (Map.Entry<String, List<String>> watch : watches.entrySet()) {
        json.name(watch.getKey()).startArray();
        for (String name : watch.getValue()) {
          json.string(name);
        }
        json.endArray();
      }
      json.endObject();
    }
    json.endObject();
  }

  private static void omitEmpty(GoJsonWriter json, String name, String value) throws IOException {
    if (!value.isEmpty()) {
      json.name(name).string(value);
    }
  }
}
