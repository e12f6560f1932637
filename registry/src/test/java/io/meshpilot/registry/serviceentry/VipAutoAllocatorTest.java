package io.meshpilot.registry.serviceentry;

import static io.meshpilot.registry.serviceentry.Services.external;
import static io.meshpilot.registry.serviceentry.Services.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.meshpilot.registry.model.AutoAllocation;
import io.meshpilot.registry.model.RegistryKind;
import io.meshpilot.registry.model.Resolution;
import io.meshpilot.registry.model.Service;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VipAutoAllocatorTest {

  /** Reference §6.2 test vectors: each key alone in an otherwise empty table. */
  @ParameterizedTest(name = "{0}/{1}")
  @CsvSource({
      "default, api.example.com, 787409182, 33566, 240.240.131.162, 2001:2::f0f0:83a2",
      "default, www.google.com, 1248106844, 36188, 240.240.141.234, 2001:2::f0f0:8dea",
      "ns1, api.example.com, 2759955737, 12057, 240.240.47.73, 2001:2::f0f0:2f49"})
  void matchesTheReferenceTestVectors(String namespace, String hostname, long fnv, int slot, String ipv4, String ipv6) {
    assertThat(VipAutoAllocator.fnv1a32(namespace + "/" + hostname)).isEqualTo(fnv);
    assertThat(fnv % VipAutoAllocator.MAX_IPS).isEqualTo(slot);

    List<Service> out = VipAutoAllocator.allocate(List.of(external(namespace, hostname)));

    assertThat(out).singleElement().satisfies(s -> {
      assertThat(s.autoAllocatedIPv4Address()).isEqualTo(ipv4);
      assertThat(s.autoAllocatedIPv6Address()).isEqualTo(ipv6);
      assertThat(s.defaultAddress()).isEqualTo("0.0.0.0");
    });
  }

  @Test
  void sameNamespaceAndHostnameGetTheSameAddresses() {
    // two ServiceEntries for one host: the second one takes a probed slot but reuses the first's octets
    List<Service> out = VipAutoAllocator.allocate(List.of(
        external("default", "api.example.com"), external("default", "www.google.com"),
        external("default", "api.example.com")));

    assertThat(out).extracting(Service::autoAllocatedIPv4Address)
        .containsExactly("240.240.131.162", "240.240.141.234", "240.240.131.162");
    assertThat(out.get(2).autoAllocatedIPv6Address()).isEqualTo("2001:2::f0f0:83a2");
  }

  @Test
  void sameHostnameInAnotherNamespaceGetsOtherAddresses() {
    List<Service> out = VipAutoAllocator.allocate(List.of(
        external("default", "api.example.com"), external("ns1", "api.example.com")));

    assertThat(out).extracting(Service::autoAllocatedIPv4Address).containsExactly("240.240.131.162", "240.240.47.73");
  }

  @Test
  void resultIsDeterministicAcrossCalls() {
    List<Service> in = List.of(external("a", "x.example.com"), external("b", "y.example.com"),
        external("a", "x.example.com"), external("c", "z.example.com"));

    assertThat(VipAutoAllocator.allocate(in)).isEqualTo(VipAutoAllocator.allocate(List.copyOf(in)));
  }

  @Test
  void collidingHostsAreResolvedByDoubleHashingInInputOrder() {
    // both keys hash to slot 12518; the later one probes to (h + step) mod 65023
    Service svc9 = external("default", "svc-9.example.com");
    Service svc232 = external("default", "svc-232.example.com");
    assertThat(VipAutoAllocator.fnv1a32("default/svc-9.example.com") % VipAutoAllocator.MAX_IPS).isEqualTo(12518);
    assertThat(VipAutoAllocator.fnv1a32("default/svc-232.example.com") % VipAutoAllocator.MAX_IPS).isEqualTo(12518);

    assertThat(VipAutoAllocator.allocate(List.of(svc9, svc232)))
        .extracting(Service::autoAllocatedIPv4Address, Service::autoAllocatedIPv6Address)
        .containsExactly(tuple("240.240.49.24", "2001:2::f0f0:3118"), tuple("240.240.128.201", "2001:2::f0f0:80c9"));
    assertThat(VipAutoAllocator.allocate(List.of(svc232, svc9)))
        .extracting(Service::autoAllocatedIPv4Address)
        .containsExactly("240.240.49.24", "240.240.121.162");
  }

  @Test
  void counterSkipsMultiplesOf255AndShiftsLaterSlots() {
    // slot 254 would give x = 255 (240.240.1.0); istiod bumps x, which also moves slot 255 along
    Service at254 = external("default", "h35046.example.com");
    Service at255 = external("default", "h31562.example.com");
    assertThat(VipAutoAllocator.fnv1a32("default/h35046.example.com") % VipAutoAllocator.MAX_IPS).isEqualTo(254);
    assertThat(VipAutoAllocator.fnv1a32("default/h31562.example.com") % VipAutoAllocator.MAX_IPS).isEqualTo(255);

    assertThat(VipAutoAllocator.allocate(List.of(at254))).extracting(Service::autoAllocatedIPv4Address)
        .containsExactly("240.240.1.1");
    assertThat(VipAutoAllocator.allocate(List.of(at255))).extracting(Service::autoAllocatedIPv4Address)
        .containsExactly("240.240.1.1");
    assertThat(VipAutoAllocator.allocate(List.of(at255, at254)))
        .extracting(Service::autoAllocatedIPv4Address, Service::autoAllocatedIPv6Address)
        .containsExactly(tuple("240.240.1.2", "2001:2::f0f0:12"), tuple("240.240.1.1", "2001:2::f0f0:11"));
  }

  @Test
  void thirdOctetZeroGivesAShortIpv6() {
    Service at253 = external("default", "h23848.example.com");

    assertThat(VipAutoAllocator.allocate(List.of(at253)))
        .extracting(Service::autoAllocatedIPv4Address, Service::autoAllocatedIPv6Address)
        .containsExactly(tuple("240.240.0.254", "2001:2::f0f0:fe"));
  }

  @Test
  void ineligibleServicesAreReturnedUntouched() {
    Service withAddress = service(RegistryKind.EXTERNAL, "default", "db.example.com", "db.example.com", "se",
        Service.ZERO_TIME, "10.0.0.1", Resolution.CLIENT_SIDE_LB);
    Service wildcard = service(RegistryKind.EXTERNAL, "default", "*.example.com", "*.example.com", "se",
        Service.ZERO_TIME, "0.0.0.0", Resolution.DYNAMIC_DNS);
    Service passthrough = service(RegistryKind.EXTERNAL, "default", "api.example.com", "api.example.com", "se",
        Service.ZERO_TIME, "0.0.0.0", Resolution.PASSTHROUGH);
    List<Service> in = List.of(withAddress, wildcard, passthrough);

    assertThat(VipAutoAllocator.allocate(in)).containsExactlyElementsOf(in);
  }

  @Test
  void ineligibleServicesDoNotTakeSlots() {
    Service passthrough = service(RegistryKind.EXTERNAL, "default", "api.example.com", "api.example.com", "se",
        Service.ZERO_TIME, "0.0.0.0", Resolution.PASSTHROUGH);

    List<Service> out = VipAutoAllocator.allocate(List.of(passthrough, external("default", "api.example.com")));

    assertThat(out.get(0).autoAllocatedIPv4Address()).isEmpty();
    assertThat(out.get(1).autoAllocatedIPv4Address()).isEqualTo("240.240.131.162");
  }

  @Test
  void everyResolutionButPassthroughIsEligible() {
    for (Resolution r : List.of(Resolution.CLIENT_SIDE_LB, Resolution.DNS_LB, Resolution.DNS_ROUND_ROBIN_LB,
        Resolution.DYNAMIC_DNS)) {
      Service s = service(RegistryKind.EXTERNAL, "default", "api.example.com", "api.example.com", "se",
          Service.ZERO_TIME, "0.0.0.0", r);
      assertThat(VipAutoAllocator.allocate(List.of(s)).get(0).autoAllocatedIPv4Address())
          .as("resolution %s", r).isEqualTo("240.240.131.162");
    }
  }

  @Test
  void emptyInputGivesEmptyOutput() {
    assertThat(VipAutoAllocator.allocate(List.of())).isEmpty();
  }

  @Test
  void servicesWithStatusVipsKeepThemAndTheInMemorySchemeStepsOverTheirAddresses() {
    // api.example.com alone gets 240.240.131.162 in memory; status already gave that address to another host
    Service fromStatus = external("default", "old.example.com")
        .withAutoAllocatedAddresses("240.240.131.162", "2001:2::1", AutoAllocation.STATUS);
    Service api = external("default", "api.example.com");

    List<Service> out = VipAutoAllocator.allocate(List.of(fromStatus, api));

    assertThat(out.get(0)).isEqualTo(fromStatus);
    assertThat(out.get(1)).satisfies(s -> {
      assertThat(s.autoAllocatedIPv4Address()).isEqualTo("240.240.131.163");
      assertThat(s.autoAllocatedIPv6Address()).isEqualTo("2001:2::f0f0:83a3");
      assertThat(s.autoAllocation()).isEqualTo(AutoAllocation.IN_MEMORY);
    });
  }

  @Test
  void withoutStatusVipsTheAllocationIsIstiodsInMemoryOneExactly() {
    Service unrelated = external("default", "old.example.com")
        .withAutoAllocatedAddresses("240.240.0.1", "2001:2::1", AutoAllocation.STATUS);

    assertThat(VipAutoAllocator.allocate(List.of(unrelated, external("default", "api.example.com"))).get(1))
        .extracting(Service::autoAllocatedIPv4Address).isEqualTo("240.240.131.162");
  }
}
