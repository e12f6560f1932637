package io.meshpilot.registry.serviceentry;

import io.meshpilot.registry.model.AutoAllocation;
import io.meshpilot.registry.model.Resolution;
import io.meshpilot.registry.model.Service;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * istiod's V1 in-memory VIP auto-allocation (reference §6.2): a deterministic hash of
 * {@code namespace/hostname} picks a slot in a table of 65024, collisions are resolved by double
 * hashing, and the slot order then yields {@code 240.240.x.y} and {@code 2001:2::f0f0:...}. The
 * arithmetic, including its quirks, is reproduced exactly so that proxies see istiod's addresses.
 */
public final class VipAutoAllocator {
  /** 256 × 254 slots. */
  static final int MAX_IPS = 65024;
  /** The largest prime below {@link #MAX_IPS}, for the second hash. */
  static final long PRIME = 65011;

  private static final long UINT32 = 0xFFFF_FFFFL;
  private static final int FNV_OFFSET = 0x811C9DC5;
  private static final int FNV_PRIME = 0x01000193;
  private static final Logger log = LoggerFactory.getLogger(VipAutoAllocator.class);

  private VipAutoAllocator() {}

  /**
   * Gives every eligible service (default address {@code 0.0.0.0}, a hostname that is not a
   * wildcard, resolution other than passthrough, no VIPs from its ServiceEntry's status) an IPv4 and
   * IPv6 VIP. Services with the same namespace and hostname get the same VIPs. Addresses that status
   * VIPs hold are stepped over, so the two schemes never hand out one address twice; without status
   * VIPs the result is exactly istiod's V1 allocation.
   *
   * @param externalServices all ServiceEntry services, in registry order (collisions depend on it)
   * @return the same services in the same order, eligible ones with auto-allocated addresses
   */
  public static List<Service> allocate(List<Service> externalServices) {
    int[] slots = new int[MAX_IPS];
    Arrays.fill(slots, -1);
    int placed = 0;
    for (int index = 0; index < externalServices.size(); index++) {
      Service svc = externalServices.get(index);
      if (!eligible(svc)) {
        continue;
      }
      if (placed >= MAX_IPS) {
        log.error("VIP auto-allocation: out of addresses ({} in use); {} and later services get none",
            MAX_IPS, key(svc));
        break;
      }
      placed++;
      int slot = findSlot(fnv1a32(key(svc)), slots);
      if (slot < 0) {
        log.error("VIP auto-allocation: no free slot found for {}", key(svc));
        continue;
      }
      slots[slot] = index;
    }

    Set<String> taken = statusAddresses(externalServices);
    Service[] out = externalServices.toArray(new Service[0]);
    Map<String, int[]> octetsByKey = new HashMap<>();
    int x = 0;
    for (int slot = 0; slot < MAX_IPS; slot++) {
      x++;
      if (slots[slot] < 0) {
        continue;
      }
      Service svc = externalServices.get(slots[slot]);
      // skip x.y.z.0 addresses; the bump shifts every later slot, as in istiod
      if (x % 255 == 0) {
        x++;
      }
      int[] octets = octetsByKey.get(key(svc));
      if (octets == null) {
        octets = new int[] {x / 255, x % 255};
        // only where some entry's status holds addresses: step over them (istiod runs one scheme at a time)
        while (taken.contains(ipv4(octets)) || taken.contains(ipv6(octets))) {
          x += (x + 1) % 255 == 0 ? 2 : 1;
          octets = new int[] {x / 255, x % 255};
        }
        octetsByKey.put(key(svc), octets);
      }
      out[slots[slot]] = svc.withAutoAllocatedAddresses(ipv4(octets), ipv6(octets), AutoAllocation.IN_MEMORY);
    }
    return List.of(out);
  }

  /** The addresses istiod's controller gave services (in their ServiceEntry's status). */
  private static Set<String> statusAddresses(List<Service> services) {
    Set<String> taken = new HashSet<>();
    for (Service svc : services) {
      if (svc.autoAllocation() == AutoAllocation.STATUS) {
        taken.add(svc.autoAllocatedIPv4Address());
        taken.add(svc.autoAllocatedIPv6Address());
      }
    }
    return taken;
  }

  static boolean eligible(Service svc) {
    return svc.autoAllocation() != AutoAllocation.STATUS
        && Service.UNSPECIFIED_ADDRESS.equals(svc.defaultAddress())
        && !svc.hostname().startsWith("*")
        && svc.resolution() != Resolution.PASSTHROUGH;
  }

  /** The first free slot: {@code h mod 65024}, then {@code (h + i·step) mod 65023} in uint32 arithmetic. */
  static int findSlot(long hash, int[] slots) {
    int first = (int) (hash % MAX_IPS);
    if (slots[first] < 0) {
      return first;
    }
    long step = PRIME - (hash % PRIME);
    // istiod loops until it finds a slot; bound the walk so a full table cannot hang us
    for (long i = 1; i <= 4L * MAX_IPS; i++) {
      long probe = ((hash + ((i * step) & UINT32)) & UINT32) % (MAX_IPS - 1);
      if (slots[(int) probe] < 0) {
        return (int) probe;
      }
    }
    return -1;
  }

  static String key(Service svc) {
    return svc.attributes().namespace() + "/" + svc.hostname();
  }

  /** 32-bit FNV-1a of the UTF-8 bytes, as an unsigned value. */
  static long fnv1a32(String text) {
    int h = FNV_OFFSET;
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= FNV_PRIME;
    }
    return h & UINT32;
  }

  static String ipv4(int[] octets) {
    return "240.240." + octets[0] + "." + octets[1];
  }

  /** The third and fourth octets in hex, concatenated without padding (istiod's ambiguous format). */
  static String ipv6(int[] octets) {
    String fourth = Integer.toHexString(octets[1]);
    return octets[0] == 0
        ? "2001:2::f0f0:" + fourth
        : "2001:2::f0f0:" + Integer.toHexString(octets[0]) + fourth;
  }
}
