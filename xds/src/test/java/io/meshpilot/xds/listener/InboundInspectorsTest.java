package io.meshpilot.xds.listener;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilterChainMatchPredicate;
import java.util.List;
import org.junit.jupiter.api.Test;

class InboundInspectorsTest {
  private static InboundInspectors port(int port, ListenerProtocol protocol, InboundInspectors inspectors) {
    InboundMatch.permissive(protocol).forEach(m -> inspectors.add(port, m));
    return inspectors;
  }

  @Test
  void aBoundSniffedPortInspectsTlsOnlyOnItsPortAndHttpEverywhere() {
    List<ListenerFilter> filters = port(8080, ListenerProtocol.AUTO, new InboundInspectors()).filters();

    assertThat(filters).extracting(ListenerFilter::getName)
        .containsExactly("envoy.filters.listener.tls_inspector", "envoy.filters.listener.http_inspector");
    // no passthrough chains: tls_inspector is opted in per port
    assertThat(filters.get(0).getFilterDisabled().getNotMatch().getDestinationPortRange().getStart()).isEqualTo(8080);
    assertThat(filters.get(1).hasFilterDisabled()).isFalse();
  }

  @Test
  void withPassthroughChainsTheInspectorsAreOptedOutPerPort() {
    InboundInspectors inspectors = new InboundInspectors().addPlain(15006);
    port(0, ListenerProtocol.AUTO, inspectors);
    port(9080, ListenerProtocol.HTTP, inspectors);

    List<ListenerFilter> filters = inspectors.filters();

    assertThat(filters.get(0).getFilterDisabled().getDestinationPortRange().getStart()).isEqualTo(15006);
    assertThat(filters.get(1).getFilterDisabled().getOrMatch().getRulesList())
        .extracting(r -> r.getDestinationPortRange().getStart()).containsExactly(9080, 15006);
  }

  @Test
  void aBoundHttpPortNeedsNoHttpInspector() {
    List<ListenerFilter> filters = port(9080, ListenerProtocol.HTTP, new InboundInspectors()).filters();

    assertThat(filters).singleElement().satisfies(f -> {
      assertThat(f.getName()).isEqualTo("envoy.filters.listener.tls_inspector");
      assertThat(f.getFilterDisabled().getRuleCase()).isEqualTo(ListenerFilterChainMatchPredicate.RuleCase.NOT_MATCH);
    });
  }
}
