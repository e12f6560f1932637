package io.meshpilot.conformance.diff;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class ComparisonTest {
  @Test
  void configDumpsCompareResourceByResource() throws Exception {
    JsonNode istiod = JsonDiffTest.json("""
        {"configs": [
          {"@type": "type.googleapis.com/envoy.admin.v3.BootstrapConfigDump"},
          {"@type": "type.googleapis.com/envoy.admin.v3.ClustersConfigDump", "dynamicActiveClusters": [
            {"versionInfo": "1", "cluster": {"name": "a", "type": "EDS"}},
            {"versionInfo": "1", "cluster": {"name": "b"}}]},
          {"@type": "type.googleapis.com/envoy.admin.v3.EndpointsConfigDump", "dynamicEndpointConfigs": [
            {"endpointConfig": {"clusterName": "a", "endpoints": []}}]},
          {"@type": "type.googleapis.com/envoy.admin.v3.ListenersConfigDump", "dynamicListeners": [
            {"name": "l", "activeState": {"versionInfo": "1", "listener": {"name": "l", "x": 1}}}]},
          {"@type": "type.googleapis.com/envoy.admin.v3.RoutesConfigDump", "dynamicRouteConfigs": [
            {"routeConfig": {"name": "80"}}]}]}
        """);
    JsonNode meshpilot = JsonDiffTest.json("""
        {"configs": [
          {"@type": "type.googleapis.com/envoy.admin.v3.ClustersConfigDump", "dynamic_active_clusters": [
            {"version_info": "7", "cluster": {"name": "a", "type": "EDS"}}]},
          {"@type": "type.googleapis.com/envoy.admin.v3.EndpointsConfigDump", "dynamicEndpointConfigs": [
            {"endpointConfig": {"clusterName": "a", "endpoints": []}}]},
          {"@type": "type.googleapis.com/envoy.admin.v3.ListenersConfigDump", "dynamicListeners": [
            {"name": "l", "activeState": {"versionInfo": "7", "listener": {"name": "l", "x": 2}}}]},
          {"@type": "type.googleapis.com/envoy.admin.v3.RoutesConfigDump", "dynamicRouteConfigs": [
            {"routeConfig": {"name": "80"}}]}]}
        """);
    Comparison comparison = new Comparison();
    comparison.configDump("sleep.client", istiod, meshpilot);

    assertThat(comparison.differences()).extracting(d -> d.subject().toString() + " " + d.path())
        .containsExactly("sleep.client cluster b ", "sleep.client listener l x");
  }

  @Test
  void registryzServicesCompareByHostnameAndNamespace() throws Exception {
    JsonNode istiod = JsonDiffTest.json("""
        [{"hostname": "a.ns.svc.cluster.local", "Attributes": {"Namespace": "ns"}, "Resolution": 0},
         {"hostname": "x.example.com", "Attributes": {"Namespace": "external"}}]
        """);
    JsonNode meshpilot = JsonDiffTest.json("""
        [{"hostname": "a.ns.svc.cluster.local", "Attributes": {"Namespace": "ns"}, "Resolution": 1}]
        """);
    Comparison comparison = new Comparison();
    comparison.registryz(istiod, meshpilot);

    assertThat(comparison.differences()).extracting(d -> d.subject().name() + " " + d.path())
        .containsExactly("a.ns.svc.cluster.local (ns) Resolution", "x.example.com (external) ");
  }
}
