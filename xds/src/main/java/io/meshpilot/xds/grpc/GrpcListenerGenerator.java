package io.meshpilot.xds.grpc;

import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.view.PushContext;
import java.util.List;
import java.util.Optional;

/**
 * LDS for proxyless gRPC (istio-xds.md §5.2, §5.3). A requested name is either a channel target
 * {@code <host>:<port>} (an API listener) or an {@code XdsServerBuilder} server's inbound name; a
 * name that denotes neither gets no listener, so gRPC reports the resource as missing.
 */
public final class GrpcListenerGenerator {
  private GrpcListenerGenerator() {}

  /** The listener for one requested name, if it denotes one. */
  public static Optional<Listener> generate(String name, Proxy proxy, PushContext push) {
    if (ServerListener.isInbound(name)) {
      return ServerListener.build(name, proxy, push);
    }
    return OutboundTarget.resolve(name, proxy, push).map(target -> ClientListener.build(name, target, proxy));
  }

  /** True for the names {@code XdsServerBuilder} servers ask for, false for channel targets. */
  public static boolean isServerListener(String name) {
    return ServerListener.isInbound(name);
  }

  /** Every visible service port as {@code <hostname>:<port>}: the answer to an LDS request naming nothing. */
  public static List<Listener> all(Proxy proxy, PushContext push) {
    return OutboundTarget.all(proxy, push).stream()
        .map(target -> ClientListener.build(target.listenerName(), target, proxy))
        .toList();
  }
}
