package io.meshpilot.registry.serviceentry;

import java.util.Objects;

/**
 * One entry of a ServiceEntry's {@code status.addresses}, as istiod's IP autoallocate controller
 * writes it: {@code {value: "240.240.0.1", host: "a.example.com"}}, one IPv4 and one IPv6 per host.
 *
 * @param host the spec host the address was allocated for
 * @param value the address, verbatim (parsed when used: an unparsable one is ignored, as istiod does)
 */
public record StatusAddress(String host, String value) {
  public StatusAddress {
    host = Objects.requireNonNullElse(host, "");
    value = Objects.requireNonNullElse(value, "");
  }
}
