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
    return Metadata.newBuilder().putFilterMetadata("istio", istio.build()).build();
  }

  private static Value string(String value) {
    return Value.newBuilder().setStringValue(value).build();
  }
}
