package io.meshpilot.xds.route;

import java.util.List;
import java.util.Map;

/**
 * What of the requesting proxy decides which VirtualService routes apply to it: its config
 * namespace ({@code sourceNamespace}) and which of the mesh's {@code sourceLabels} selectors its
 * labels satisfy. Two proxies with equal sources get equal routes, so it is part of route cache
 * keys in place of the proxy's whole label set.
 *
 * @param matchedSelectors the {@code sourceLabels} maps (among all the mesh's) the proxy's labels satisfy
 */
public record RouteSource(String namespace, List<Map<String, String>> matchedSelectors) {
  public RouteSource {
    matchedSelectors = List.copyOf(matchedSelectors);
  }

  /** istiod's {@code sourceMatchHTTP} without gateways: labels a subset of the proxy's, and its namespace. */
  public boolean matches(Map<String, String> sourceLabels, String sourceNamespace) {
    if (!sourceLabels.isEmpty() && !matchedSelectors.contains(sourceLabels)) {
      return false;
    }
    return sourceNamespace == null || sourceNamespace.isEmpty() || sourceNamespace.equals(namespace);
  }
}
