package io.meshpilot.debughttp;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meshpilot.registry.model.Service;
import io.meshpilot.registry.networking.Sidecar;
import io.meshpilot.xds.OutboundTrafficPolicy;
import io.meshpilot.xds.view.ScopedServices;
import io.meshpilot.xds.view.SidecarScope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The body of {@code /debug/sidecarz?proxyID=}: the proxy's resolved scope as istiod's
 * {@code SidecarScope.MarshalJSON} writes it, a Go map (keys sorted) of {@code destinationRules},
 * {@code egressListenerServices} (the services of each egress listener), {@code name},
 * {@code namespace}, {@code outboundTrafficPolicy}, {@code services}, {@code servicesByHostname},
 * {@code sidecar} (the Sidecar spec as protobuf JSON, null for the default scope) and {@code version}.
 * Services are istiod's {@code model.Service} JSON, trimmed to the ports the scope imports.
 */
final class SidecarzJson {
  private static final ObjectMapper SPEC = new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_EMPTY);

  private SidecarzJson() {}

  static String write(SidecarScope scope, boolean pretty) {
    GoJsonWriter json = new GoJsonWriter(pretty);
    try {
      json.startObject();
      // DestinationRules are not selected per scope yet: istiod's empty map
      json.name("destinationRules").startObject().endObject();
      json.name("egressListenerServices").startArray();
      for (SidecarScope.Egress egress : scope.egress()) {
        services(json, egress.services());
      }
      json.endArray();
      json.name("name").string(scope.name());
      json.name("namespace").string(scope.id().namespace());
      json.name("outboundTrafficPolicy").startObject();
      // protobuf JSON leaves out the enum's zero value, REGISTRY_ONLY
      if (scope.outboundTrafficPolicy() == OutboundTrafficPolicy.ALLOW_ANY) {
        json.name("mode").string("ALLOW_ANY");
      }
      // istiod's scope carries the Sidecar's policy as written, its egressProxy with it
      if (scope.egressProxy().isPresent()) {
        json.name("egressProxy").tree(SPEC.valueToTree(scope.egressProxy().get()));
      }
      json.endObject();
      json.name("services");
      services(json, scope.services());
      json.name("servicesByHostname").mapOrNull(scope.servicesByHostname(), h -> h,
          (j, service) -> RegistryzJson.writeService(j, service, scope.services().keptPorts(service)));
      json.name("sidecar");
      if (scope.config().isPresent()) {
        sidecar(json, scope.config().get().spec());
      } else {
        json.nullValue();
      }
      json.name("version").string(scope.version());
      json.endObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return json.toString();
  }

  /** A Go slice of services: null when empty (nothing was appended). */
  private static void services(GoJsonWriter json, ScopedServices services) throws IOException {
    if (services.services().isEmpty()) {
      json.nullValue();
      return;
    }
    json.startArray();
    for (Service service : services.services()) {
      RegistryzJson.writeService(json, service, services.keptPorts(service));
    }
    json.endArray();
  }

  /** The spec as protobuf JSON: fields in Istio's declaration order, unset and empty ones left out. */
  private static void sidecar(GoJsonWriter json, Sidecar spec) throws IOException {
    json.startObject();
    if (spec.workloadSelector() != null) {
      json.name("workloadSelector").startObject();
      Map<String, String> labels = spec.workloadSelector().selector();
      if (!labels.isEmpty()) {
        json.name("labels").stringMapOrNull(labels);
      }
      json.endObject();
    }
    if (!spec.ingress().isEmpty()) {
      json.name("ingress").tree(SPEC.valueToTree(spec.ingress()));
    }
    if (!spec.egress().isEmpty()) {
      json.name("egress").tree(SPEC.valueToTree(spec.egress()));
    }
    if (spec.inboundConnectionPool() != null) {
      json.name("inboundConnectionPool").tree(SPEC.valueToTree(spec.inboundConnectionPool()));
    }
    if (spec.outboundTrafficPolicy() != null) {
      json.name("outboundTrafficPolicy").startObject();
      if ("ALLOW_ANY".equals(spec.outboundTrafficPolicy().mode())) {
        json.name("mode").string("ALLOW_ANY"); // REGISTRY_ONLY is the enum's zero value: left out
      }
      if (spec.outboundTrafficPolicy().egressProxy() != null) {
        json.name("egressProxy").tree(SPEC.valueToTree(spec.outboundTrafficPolicy().egressProxy()));
      }
      json.endObject();
    }
    json.endObject();
  }
}
