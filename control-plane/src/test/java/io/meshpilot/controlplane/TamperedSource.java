package io.meshpilot.controlplane;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.meshpilot.xds.proxy.InvalidProxyException;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.server.PushRequest;
import io.meshpilot.xds.server.ResourceSet;
import io.meshpilot.xds.server.ResourceSource;
import io.meshpilot.xds.server.XdsType;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The generated resources passed through a test's edit before they are sent (e.g. a cluster Envoy
 * rejects), through {@code MeshDiscovery.start}'s decorate hook; everything else is the real source's.
 */
final class TamperedSource implements ResourceSource {
  private final ResourceSource real;
  private final BiFunction<XdsType, ResourceSet, ResourceSet> edit;

  TamperedSource(ResourceSource real, BiFunction<XdsType, ResourceSet, ResourceSet> edit) {
    this.real = real;
    this.edit = edit;
  }

  @Override
  public Proxy proxy(Node node) throws InvalidProxyException {
    return real.proxy(node);
  }

  @Override
  public ResourceSet generate(Proxy proxy, XdsType type, Set<String> names) {
    return edit.apply(type, real.generate(proxy, type, names));
  }

  @Override
  public boolean affects(PushRequest request, Proxy proxy) {
    return real.affects(request, proxy);
  }
}
