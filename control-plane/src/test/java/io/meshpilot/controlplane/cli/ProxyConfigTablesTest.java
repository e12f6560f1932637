package io.meshpilot.controlplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** istioctl's tables from the recorded config dump of the example mesh's productpage sidecar. */
class ProxyConfigTablesTest {
  private static ConfigDump dump;

  @BeforeAll
  static void load() throws Exception {
    dump = ConfigDump.parse(ConfigDumpFixture.recorded());
  }

  @Test
  void clustersTableParsesNamesAndShowsSpecialClustersWithDashes() {
    assertThat(ClusterTable.render(dump.clusters(), ClusterTable.Filter.ALL)).isEqualTo("""
        SERVICE FQDN                              PORT     SUBSET     DIRECTION     TYPE             DESTINATION RULE
                                                  9080     -          inbound       ORIGINAL_DST    \s
        *.wikipedia.org                           443      -          outbound      ORIGINAL_DST    \s
        BlackHoleCluster                          -        -          -             STATIC          \s
        InboundPassthroughCluster                 -        -          -             ORIGINAL_DST    \s
        PassthroughCluster                        -        -          -             ORIGINAL_DST    \s
        api.example.com                           443      -          outbound      STRICT_DNS      \s
        db.partner.example                        5432     -          outbound      ORIGINAL_DST    \s
        details.default.svc.cluster.local         9080     -          outbound      EDS             \s
        httpbin.example.org                       80       -          outbound      LOGICAL_DNS     \s
        legacy.corp.internal                      8080     -          outbound      EDS             \s
        mysqldb.default.svc.cluster.local         3306     -          outbound      ORIGINAL_DST    \s
        productpage.default.svc.cluster.local     9080     -          outbound      EDS             \s
        ratings.default.svc.cluster.local         9080     -          outbound      EDS             \s
        reviews.default.svc.cluster.local         9080     -          outbound      EDS             \s
        """);
  }

  @Test
  void clustersTableShowsSubsetAndDestinationRuleAsIstioctl() throws Exception {
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    var clusters = java.util.List.of(
        json.readTree("""
            {"name": "outbound|9080|v2|reviews.shop.svc.cluster.local", "type": "EDS", "metadata": {"filterMetadata":
              {"istio": {"config": "/apis/networking.istio.io/v1/namespaces/shop/destination-rule/reviews", "subset": "v2"}}}}
            """),
        json.readTree("""
            {"name": "outbound|9080||reviews.shop.svc.cluster.local", "type": "EDS", "metadata": {"filterMetadata":
              {"istio": {"config": "/apis/networking.istio.io/v1/namespaces/shop/destination-rule/reviews"}}}}
            """));
    assertThat(ClusterTable.render(clusters, ClusterTable.Filter.ALL)).isEqualTo("""
        SERVICE FQDN                       PORT     SUBSET     DIRECTION     TYPE     DESTINATION RULE
        reviews.shop.svc.cluster.local     9080     -          outbound      EDS      reviews.shop
        reviews.shop.svc.cluster.local     9080     v2         outbound      EDS      reviews.shop
        """);
  }

  @Test
  void clustersFilterByFqdnAndPort() {
    String text = ClusterTable.render(dump.clusters(), new ClusterTable.Filter("reviews", 9080, "", ""));
    assertThat(text.lines()).hasSize(2);
    assertThat(text).contains("reviews.default.svc.cluster.local     9080");
  }

  @Test
  void listenersTableHasOneRowPerFilterChainIncludingTheDefault() {
    assertThat(ListenerTable.render(dump.listeners(), ListenerTable.Filter.ALL)).isEqualTo("""
        ADDRESSES PORT  MATCH                                DESTINATION
        0.0.0.0   80    Trans: raw_buffer; App: http/1.1,h2c Route: 80
        0.0.0.0   80    ALL                                  PassthroughCluster
        0.0.0.0   443   ALL                                  PassthroughCluster
        0.0.0.0   443   SNI: api.example.com                 Cluster: outbound|443||api.example.com
        0.0.0.0   443   SNI: *.wikipedia.org                 Cluster: outbound|443||*.wikipedia.org
        0.0.0.0   5432  ALL                                  PassthroughCluster
        0.0.0.0   5432  Addr: 203.0.113.0/24                 Cluster: outbound|5432||db.partner.example
        0.0.0.0   8080  Trans: raw_buffer; App: http/1.1,h2c Route: 8080
        0.0.0.0   8080  ALL                                  PassthroughCluster
        0.0.0.0   9080  Trans: raw_buffer; App: http/1.1,h2c Route: 9080
        0.0.0.0   9080  ALL                                  PassthroughCluster
        0.0.0.0   15001 ALL                                  PassthroughCluster
        0.0.0.0   15001 Addr: *:15001                        Non-HTTP/Non-TCP
        0.0.0.0   15006 Addr: *:15006                        Non-HTTP/Non-TCP
        0.0.0.0   15006 Trans: raw_buffer; Addr: *:9080      Inline Route: /*
        0.0.0.0   15006 Trans: raw_buffer                    InboundPassthroughCluster
        """);
  }

  @Test
  void listenersFilterByPortAndType() {
    assertThat(ListenerTable.render(dump.listeners(), new ListenerTable.Filter("", 9080, "HTTP")).lines()).hasSize(3);
    assertThat(ListenerTable.render(dump.listeners(), new ListenerTable.Filter("", 9080, "TCP")).lines()).hasSize(1);
  }

  @Test
  void routesTableShowsEachServiceRouteAndLeavesPassthroughOut() {
    assertThat(RouteTable.render(dump.routeConfigs(), "")).isEqualTo("""
        NAME     VHOST NAME                                     DOMAINS                                                             MATCH     VIRTUAL SERVICE
        80       httpbin.example.org:80                         httpbin.example.org, httpbin.example.org.                           /*       \s
        8080     legacy.corp.internal:8080                      legacy.corp.internal, legacy.corp.internal. + 1 more...             /*       \s
        9080     details.default.svc.cluster.local:9080         details.default.svc.cluster.local., details + 2 more...             /*       \s
        9080     productpage.default.svc.cluster.local:9080     productpage.default.svc.cluster.local., productpage + 2 more...     /*       \s
        9080     ratings.default.svc.cluster.local:9080         ratings.default.svc.cluster.local., ratings + 2 more...             /*       \s
        9080     reviews.default.svc.cluster.local:9080         reviews.default.svc.cluster.local., reviews + 2 more...             /*       \s
        """);
  }

  @Test
  void routesTableNamesTheVirtualServiceOfEachRoute() {
    com.fasterxml.jackson.databind.JsonNode config = ConfigDumpFixture.tree("""
        {"name": "9080", "virtualHosts": [{"name": "reviews.default.svc.cluster.local:9080",
          "domains": ["reviews.default.svc.cluster.local"],
          "routes": [
            {"match": {"prefix": "/api", "caseSensitive": true},
             "route": {"cluster": "outbound|9080||ratings.default.svc.cluster.local"},
             "metadata": {"filterMetadata": {"istio": {"config":
               "/apis/networking.istio.io/v1/namespaces/default/virtual-service/reviews-split"}}}},
            {"match": {"safeRegex": {"regex": "^/r/.*"}},
             "route": {"cluster": "outbound|9080||reviews.default.svc.cluster.local"},
             "metadata": {"filterMetadata": {"istio": {"config": "/somewhere/else"}}}},
            {"match": {"prefix": "/"}, "route": {"cluster": "outbound|9080||reviews.default.svc.cluster.local"}}]}]}
        """);

    assertThat(RouteTable.render(java.util.List.of(config), "")).isEqualTo("""
        NAME     VHOST NAME                                 DOMAINS                               MATCH            VIRTUAL SERVICE
        9080     reviews.default.svc.cluster.local:9080     reviews.default.svc.cluster.local     /api*            reviews-split.default
        9080     reviews.default.svc.cluster.local:9080     reviews.default.svc.cluster.local     regex ^/r/.*     <unknown>
        9080     reviews.default.svc.cluster.local:9080     reviews.default.svc.cluster.local     /*              \s
        """);
  }

  @Test
  void endpointsTableListsEachEndpointWithLocalityInClusterOrder() {
    assertThat(EndpointTable.render(dump.endpointConfigs(), EndpointTable.Filter.ALL)).isEqualTo("""
        ENDPOINT             STATUS      LOCALITY                CLUSTER
        10.244.1.11:9080     HEALTHY     us-east1/us-east1-b     outbound|9080||details.default.svc.cluster.local
        192.0.2.51:8081      UNKNOWN     us-east1/us-east1-b     outbound|8080||legacy.corp.internal
        192.0.2.52:9090      UNKNOWN     us-east1/us-east1-c     outbound|8080||legacy.corp.internal
        10.244.1.10:9080     HEALTHY     us-east1/us-east1-b     outbound|9080||productpage.default.svc.cluster.local
        10.244.2.14:9080     HEALTHY     us-east1/us-east1-c     outbound|9080||ratings.default.svc.cluster.local
        10.244.1.12:9080     HEALTHY     us-east1/us-east1-b     outbound|9080||reviews.default.svc.cluster.local
        10.244.2.12:9080     HEALTHY     us-east1/us-east1-c     outbound|9080||reviews.default.svc.cluster.local
        10.244.2.13:9080     HEALTHY     us-east1/us-east1-c     outbound|9080||reviews.default.svc.cluster.local
        """);
  }

  @Test
  void endpointSelectionKeepsOnlyMatchingEndpoints() {
    var selected = EndpointTable.select(dump.endpointConfigs(), new EndpointTable.Filter("10.244.2.12:9080", 0, "", ""));
    assertThat(selected).hasSize(1);
    assertThat(selected.get(0).path("clusterName").asText()).isEqualTo("outbound|9080||reviews.default.svc.cluster.local");
    assertThat(selected.get(0).findValues("lbEndpoints").stream().mapToInt(com.fasterxml.jackson.databind.JsonNode::size).sum())
        .isEqualTo(1);
  }

  @Test
  void routeDomainsAreAbbreviatedAsIstioctlDoes() {
    assertThat(RouteTable.describeDomains(java.util.List.of("*"))).isEqualTo("*");
    assertThat(RouteTable.describeDomains(java.util.List.of("reviews.default.svc.cluster.local", "reviews",
        "reviews.default.svc", "reviews.default", "reviews:9080", "10.96.0.12"))).isEqualTo("reviews, reviews.default + 1 more...");
  }
}
