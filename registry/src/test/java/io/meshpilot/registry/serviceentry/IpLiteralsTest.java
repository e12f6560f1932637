package io.meshpilot.registry.serviceentry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpLiteralsTest {

  @ParameterizedTest
  @ValueSource(strings = {"10.0.0.1", "0.0.0.0", "255.255.255.255", "::", "::1", "2001:db8::1", "2001:DB8:0:0:0:0:0:1",
      "fe80::1%eth0", "::ffff:10.0.0.1", "1:2:3:4:5:6:1.2.3.4", "1::", "1:2:3:4:5:6:7:8"})
  void acceptsIpAddresses(String value) {
    assertThat(IpLiterals.isIp(value)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "10.0.0", "10.0.0.256", "010.0.0.1", "10.0.0.1.2", "1.2.3.-4", "example.com", "10.0.0.0/8",
      ":::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::8", "12345::1", "1::2::3", ":1", "1:", "fe80::1%", "::g", "1.2.3.4::",
      "1:2:3:4:5:6:7:1.2.3.4"})
  void rejectsNonAddresses(String value) {
    assertThat(IpLiterals.isIp(value)).isFalse();
  }

  @ParameterizedTest
  @CsvSource({"10.0.0.0/8, 10.0.0.0, false", "10.0.0.5/32, 10.0.0.5, true", "2001:db8::/64, 2001:db8::, false",
      "2001:DB8:0:0:0:0:0:1/128, 2001:db8::1, true", "0:0:0:0:0:0:0:0/0, ::, false", "1:0:0:1:0:0:0:1/128, 1:0:0:1::1, true",
      "1:0:0:2:3:0:0:1/128, 1::2:3:0:0:1, true"})
  void parsesCidrsAndFormatsTheAddressCanonically(String cidr, String address, boolean fullLength) {
    IpLiterals.Cidr parsed = IpLiterals.parseCidr(cidr).orElseThrow();

    assertThat(parsed.addressString()).isEqualTo(address);
    assertThat(parsed.isFullLength()).isEqualTo(fullLength);
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.0.0.0", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/08", "10.0.0.0/+8", "::/129",
      "fe80::1%eth0/64", "nope/8"})
  void rejectsInvalidCidrs(String value) {
    assertThat(IpLiterals.parseCidr(value)).isEmpty();
  }
}
