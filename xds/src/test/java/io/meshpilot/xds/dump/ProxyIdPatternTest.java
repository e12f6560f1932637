package io.meshpilot.xds.dump;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshpilot.xds.cluster.MeshFixture;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.server.ProxySyncState;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProxyIdPatternTest {
  private final Proxy client = MeshFixture.sidecar("default", "10.0.0.1"); // id client.default
  private final ProxySyncState connection = new ProxySyncState("client.default-3", client, "10.0.0.1:1", Instant.EPOCH, Map.of());

  @Test
  void plainTextIsASubstringOfTheConnectionIdAsInIstiod() {
    assertThat(new ProxyIdPattern("client").matches(connection)).isTrue();
    assertThat(new ProxyIdPattern("client.default-3").matches(connection)).isTrue();
    assertThat(new ProxyIdPattern("prod").matches(connection)).isFalse();
  }

  @Test
  void globMustMatchTheWholeProxyIdOrConnectionId() {
    assertThat(new ProxyIdPattern("*.default").matches(connection)).isTrue();
    assertThat(new ProxyIdPattern("client.*-?").matches(connection)).isTrue();
    assertThat(new ProxyIdPattern("cli*").matches(connection)).isTrue();
    assertThat(new ProxyIdPattern("*.prod").matches(connection)).isFalse();
    assertThat(new ProxyIdPattern("lient*").matches(connection)).isFalse();
  }

  @Test
  void regexCharactersInAGlobAreLiteral() {
    assertThat(new ProxyIdPattern("client(default*").matches(connection)).isFalse();
    assertThat(new ProxyIdPattern("client.default*").glob()).isTrue();
    assertThat(new ProxyIdPattern("client+default*").matches(connection)).isFalse();
  }
}
