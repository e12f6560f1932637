package io.meshpilot.xds.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.meshpilot.registry.model.Protocol;
import io.meshpilot.xds.MeshSettings;
import io.meshpilot.xds.proxy.InterceptionMode;
import io.meshpilot.xds.proxy.Proxy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a proxy serves its Sidecar's ingress listeners: bind, whether it binds, and where traffic goes. */
class SidecarIngressTest {
  private final TrafficRegistry registry = new TrafficRegistry();

  @Test
  void defaultEndpointsAndBindsFollowIstiod() {
    registry.sidecar("shop", "in", "2024-01-01T00:00:00Z", """
        ingress:
        - port: {number: 9080, protocol: HTTP, name: http}
          defaultEndpoint: 127.0.0.1:8080
        - port: {number: 9443, protocol: TCP, name: tcp}
          defaultEndpoint: 0.0.0.0:8443
          bind: 10.9.9.9
          captureMode: NONE
        - port: {number: 7070, name: sniffed}
        - port: {number: 6060, protocol: HTTP, name: uds}
          defaultEndpoint: unix:///var/run/app.sock
        """);
    SidecarScope scope = PushContext.create(registry, MeshSettings.defaults(), "v1")
        .sidecarScope(proxy(InterceptionMode.REDIRECT, "10.1.0.5"));

    List<SidecarIngress> captured = SidecarIngress.of(scope, proxy(InterceptionMode.REDIRECT, "10.1.0.5"));
    assertThat(captured).containsExactly(
        new SidecarIngress(9080, Protocol.HTTP, "10.1.0.5", false, "127.0.0.1", 8080, "in.shop", "/apis/networking.istio.io/v1/namespaces/shop/sidecar/in"),
        new SidecarIngress(9443, Protocol.TCP, "10.9.9.9", true, "10.1.0.5", 8443, "in.shop", "/apis/networking.istio.io/v1/namespaces/shop/sidecar/in"),
        new SidecarIngress(7070, Protocol.UNSUPPORTED, "10.1.0.5", false, "", 0, "in.shop", "/apis/networking.istio.io/v1/namespaces/shop/sidecar/in"));
    // without capture every listener binds; a loopback-only proxy binds the wildcard
    assertThat(SidecarIngress.of(scope, proxy(InterceptionMode.NONE, "127.0.0.1")))
        .extracting(SidecarIngress::bind, SidecarIngress::bindToPort, SidecarIngress::endpointAddress)
        .containsExactly(
            tuple("0.0.0.0", true, "127.0.0.1"),
            tuple("10.9.9.9", true, "127.0.0.1"),
            tuple("0.0.0.0", true, ""));
  }

  private static Proxy proxy(InterceptionMode mode, String ip) {
    return new Proxy("sidecar", ip, "web-1.shop", "shop.svc.cluster.local", "shop", Map.of(), List.of(ip),
        "Kubernetes", "1.31.0", mode, "", "sidecar~" + ip + "~web-1.shop~shop.svc.cluster.local");
  }
}
