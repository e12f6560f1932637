package io.meshpilot.xds.grpc;

import io.meshpilot.xds.proxy.InterceptionMode;
import io.meshpilot.xds.proxy.Proxy;
import java.util.List;
import java.util.Map;

/** Proxyless gRPC proxies as the generators see them (node metadata GENERATOR=grpc). */
final class GrpcProxies {
  private GrpcProxies() {}

  /** A client pod in {@code ns} with the agent's DNS domain {@code <ns>.svc.cluster.local}. */
  static Proxy client(String ns, String ip) {
    return workload(ns, ip, Map.of());
  }

  /** A client pod in {@code ns} running in this locality ({@code region/zone/subzone}). */
  static Proxy clientIn(String ns, String ip, String locality) {
    String dnsDomain = ns + ".svc.cluster.local";
    String id = "app-0." + ns;
    return new Proxy("sidecar", ip, id, dnsDomain, ns, Map.of(), List.of(ip), "Kubernetes", "1.31.0",
        InterceptionMode.REDIRECT, "grpc", "sidecar~" + ip + "~" + id + "~" + dnsDomain, false, locality);
  }

  /** A workload in {@code ns} with labels, e.g. one that runs an {@code XdsServerBuilder} server. */
  static Proxy workload(String ns, String ip, Map<String, String> labels) {
    String dnsDomain = ns + ".svc.cluster.local";
    String id = "app-0." + ns;
    return new Proxy("sidecar", ip, id, dnsDomain, ns, labels, List.of(ip), "Kubernetes", "1.30.0",
        InterceptionMode.REDIRECT, "grpc", "sidecar~" + ip + "~" + id + "~" + dnsDomain);
  }
}
