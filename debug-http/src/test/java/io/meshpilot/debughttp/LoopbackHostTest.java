package io.meshpilot.debughttp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LoopbackHostTest {
  @ParameterizedTest
  @ValueSource(strings = {"localhost", "localhost:15014", "LOCALHOST:15014", "localhost.", "istiod.localhost:8080",
      "127.0.0.1", "127.0.0.1:15014", "127.1.2.3:80", "[::1]", "[::1]:15014", "[0:0:0:0:0:0:0:1]:15014"})
  void loopbackNamesAndAddresses(String host) {
    assertThat(LoopbackHost.isLoopback(host)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"evil.example.com", "evil.example.com:15014", "localhost.evil.example.com",
      "10.1.2.3:15014", "127.0.0.1.nip.io", "128.0.0.1", "127.0.0.256", "[::2]:15014", "[::1", "[::1]x",
      "localhost:abc", "localhost:15014:1", "[fe80::1%eth0]", "0.0.0.0", ""})
  void everythingElse(String host) {
    assertThat(LoopbackHost.isLoopback(host)).isFalse();
  }
}
