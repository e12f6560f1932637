package io.meshpilot.registry.serviceentry;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The VIPs istiod's IP autoallocate controller wrote into a ServiceEntry's {@code status.addresses},
 * read as istiod's conversion reads them ({@code ShouldV2AutoAllocateIP},
 * {@code GetHostAddressesFromConfig}): only for an entry that qualifies — resolution other than NONE,
 * no {@code spec.addresses}, not opted out with the label {@code networking.istio.io/enable-autoallocate-ip:
 * "false"} — and, per host, the last IPv4 and the last IPv6 listed; unparsable values are skipped.
 */
final class StatusVips {
  static final String OPT_OUT_LABEL = "networking.istio.io/enable-autoallocate-ip";

  /** A host's status VIPs; an empty string where the status has none of that family. */
  record HostVips(String ipv4, String ipv6) {}

  private StatusVips() {}

  /** Host → its status VIPs, empty when the entry does not qualify or its status has none. */
  static Map<String, HostVips> of(ServiceEntry se) {
    Map<String, HostVips> out = new HashMap<>();
    if (!qualifies(se)) {
      return out;
    }
    for (StatusAddress address : se.statusAddresses()) {
      Optional<String> ip = IpLiterals.canonical(address.value());
      if (ip.isEmpty()) {
        continue;
      }
      HostVips current = out.getOrDefault(address.host(), new HostVips("", ""));
      out.put(address.host(), ip.get().indexOf(':') >= 0
          ? new HostVips(current.ipv4(), ip.get())
          : new HostVips(ip.get(), current.ipv6()));
    }
    return out;
  }

  static boolean qualifies(ServiceEntry se) {
    return se.resolution() != SeResolution.NONE
        && !"false".equalsIgnoreCase(se.labels().get(OPT_OUT_LABEL))
        && se.addresses().isEmpty();
  }
}
