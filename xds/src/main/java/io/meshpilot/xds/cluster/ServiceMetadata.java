package io.meshpilot.xds.cluster;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.meshpilot.registry.model.Service;
import java.util.List;

/** {@code metadata.filter_metadata.istio} of a cluster: the services behind it (reference istio-xds.md §3.4). */
final class ServiceMetadata {
  private ServiceMetadata() {}

  static Metadata of(List<Service> services, boolean external) {
    return of(services, external, null, "", false);
  }

  /**
   * With the DestinationRule that shaped the cluster: {@code config} (its API path), {@code subset}
   * on subset clusters, and {@code alpn_override: "false"} when the rule originates TLS itself.
   */
  static Metadata of(List<Service> services, boolean external, String configPath, String subset,
      boolean alpnOverride) {
    ListValue.Builder list = ListValue.newBuilder();
    for (Service service : services) {
      list.addValues(Value.newBuilder().setStructValue(Struct.newBuilder()
          .putFields("host", string(service.hostname()))
          .putFields("name", string(service.attributes().name()))
          .putFields("namespace", string(service.attributes().namespace()))));
    }
    Struct.Builder istio = Struct.newBuilder().putFields("services", Value.newBuilder().setListValue(list).build());
    if (external) {
      istio.putFields("external", Value.newBuilder().setBoolValue(true).build());
    }
    if (configPath != null) {
      istio.putFields("config", string(configPath));
      if (!subset.isEmpty()) {
        istio.putFields("subset", string(subset));
      }
      if (alpnOverride) {
        istio.putFields("alpn_override", string("false"));
      }
    }
    return Metadata.newBuilder().putFilterMetadata("istio", istio.build()).build();
  }

  private static Value string(String value) {
    return Value.newBuilder().setStringValue(value).build();
  }
}
