package io.meshpilot.xds.route;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VirtualHostDomainsTest {
  @Test
  void kubernetesServiceOfAnotherClusterDomainGetsNoShortNames() {
    assertThat(VirtualHostDomains.shortNames("a.ns.svc.other.domain", "ns.svc.cluster.local")).isEmpty();
  }

  @Test
  void proxyOutsideKubernetesDnsUsesTheUniquePart() {
    assertThat(VirtualHostDomains.shortNames("foo.local.campus.net", "local.campus.net")).containsExactly("foo");
    assertThat(VirtualHostDomains.shortNames("foo.bar.campus.net", "local.campus.net"))
        .containsExactly("foo.bar", "foo.bar.campus");
    assertThat(VirtualHostDomains.shortNames("foo.example.com", "local.net")).isEmpty();
  }
}
