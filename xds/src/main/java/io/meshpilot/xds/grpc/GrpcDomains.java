package io.meshpilot.xds.grpc;

import io.meshpilot.registry.model.Service;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.route.VirtualHostDomains;
import java.util.ArrayList;
import java.util.List;

/**
 * A service's virtual-host domains for gRPC (istio-xds.md §2.4): the sidecar list, each entry
 * followed by its {@code :<port>} twin. gRPC matches the channel authority, which carries the port,
 * and its route configurations do not ignore ports in host matching. The absolute FQDN
 * ({@code reviews.default.svc.cluster.local.}) is left out: grpc-java takes a domain ending in a dot
 * for an invalid pattern and fails the channel when it meets one while choosing a virtual host.
 */
final class GrpcDomains {
  private GrpcDomains() {}

  static List<String> of(Service service, int port, Proxy proxy) {
    List<String> domains = new ArrayList<>();
    for (String domain : VirtualHostDomains.of(service, proxy)) {
      if (!domain.endsWith(".")) {
        domains.add(domain);
        domains.add(domain + ":" + port);
      }
    }
    return List.copyOf(domains);
  }
}
