package io.meshpilot.debughttp;

import io.meshpilot.registry.model.Endpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The body of {@code /debug/endpointShardz} and {@code /debug/endpointz} (reference §2.4):
 * hostname → namespace → {@code {"Shards": {"<provider>/<cluster>": [IstioEndpoint...]},
 * "ServiceAccounts": {"<spiffe>": {}}}}, IstioEndpoint with istiod's PascalCase keys in its order.
 */
final class EndpointShardzJson {
  private EndpointShardzJson() {}

  /** @param shards hostname → namespace → shard key → endpoints */
  static String write(Map<String, Map<String, Map<String, List<Endpoint>>>> shards, boolean pretty) {
    GoJsonWriter json = new GoJsonWriter(pretty);
    try {
      json.mapOrEmpty(shards, (w, byNamespace) -> w.mapOrEmpty(byNamespace, EndpointShardzJson::writeShards));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return json.toString();
  }

  private static void writeShards(GoJsonWriter json, Map<String, List<Endpoint>> shards) throws IOException {
    json.startObject().name("Shards");
    json.mapOrEmpty(shards, (w, endpoints) -> {
      w.startArray();
      for (Endpoint endpoint : endpoints) {
        writeEndpoint(w, endpoint);
      }
      w.endArray();
    });
    // istiod derives the set from the endpoints' identities
    Set<String> accounts = new TreeSet<>();
    shards.values().forEach(list -> list.stream().map(Endpoint::serviceAccount).filter(sa -> !sa.isEmpty())
        .forEach(accounts::add));
    json.name("ServiceAccounts").startObject();
    for (String account : accounts.stream().sorted(GoJsonWriter.GO_STRING_ORDER).toList()) {
      json.name(account).startObject().endObject();
    }
    json.endObject().endObject();
  }

  private static void writeEndpoint(GoJsonWriter json, Endpoint e) throws IOException {
    json.startObject();
    json.name("Labels").stringMapOrNull(e.labels());
    json.name("Addresses").startArray();
    for (String address : e.addresses()) {
      json.string(address);
    }
    json.endArray();
    json.name("ServicePortName").string(e.servicePortName());
    json.name("LegacyClusterPortKey").number(e.legacyClusterPortKey());
    json.name("ServiceAccount").string(e.serviceAccount());
    json.name("Network").string(e.network());
    json.name("Locality").startObject()
        .name("Label").string(e.locality().label())
        .name("ClusterID").string(e.locality().clusterId())
        .endObject();
    json.name("EndpointPort").number(e.endpointPort());
    json.name("LbWeight").number(e.lbWeight());
    json.name("TLSMode").string(e.tlsMode());
    json.name("Namespace").string(e.namespace());
    json.name("WorkloadName").string(e.workloadName());
    json.name("HostName").string(e.hostName());
    json.name("SubDomain").string(e.subDomain());
    json.name("HealthStatus").number(e.health().code());
    json.name("SendUnhealthyEndpoints").bool(false); // meshpilot never sends unhealthy endpoints
    json.name("NodeName").string(e.nodeName());
    json.endObject();
  }
}
