package io.meshpilot.xds.auth;

import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.meshpilot.xds.proxy.Proxy;
import java.util.Objects;

/**
 * Who a proxy says it is: the namespace its config is generated for, and the service account of its
 * node metadata ({@code SERVICE_ACCOUNT}, as pilot-agent sends it; {@code ""} when absent, which
 * istiod's identity check then does not compare).
 */
public record NodeClaim(String namespace, String serviceAccount) {
  static final String SERVICE_ACCOUNT = "SERVICE_ACCOUNT";

  public NodeClaim {
    Objects.requireNonNull(namespace, "namespace");
    serviceAccount = Objects.requireNonNullElse(serviceAccount, "");
  }

  /** The claim of a parsed proxy, with the service account read from its node's metadata. */
  public static NodeClaim of(Proxy proxy, Node node) {
    Value sa = node.getMetadata().getFieldsMap().get(SERVICE_ACCOUNT);
    return new NodeClaim(proxy.namespace(),
        sa != null && sa.getKindCase() == Value.KindCase.STRING_VALUE ? sa.getStringValue() : "");
  }

  @Override
  public String toString() {
    return namespace + "/" + serviceAccount;
  }
}
