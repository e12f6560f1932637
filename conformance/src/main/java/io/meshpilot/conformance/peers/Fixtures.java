package io.meshpilot.conformance.peers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meshpilot.loadtest.client.SidecarNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Loads the conformance mesh into the API server: Istio's CRDs, then the fixture files in name order,
 * then each Pod's status (there is no kubelet) from its {@value #POD_IPS} annotation. The pods marked
 * {@value #PROXY} are the ones the harness connects a simulated sidecar for.
 */
public final class Fixtures {
  /** Comma-separated pod IPs, primary first; the harness writes them into the Pod's status. */
  static final String POD_IPS = "conformance.meshpilot.io/pod-ips";
  /** {@code "true"}: connect a simulated sidecar as this pod. */
  static final String PROXY = "conformance.meshpilot.io/proxy";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Kubectl kubectl;

  public Fixtures(Kubectl kubectl) {
    this.kubectl = kubectl;
  }

  /** Installs the CRDs (server-side: they are too large for a last-applied annotation) and waits for them. */
  public void installCrds(Path crds) {
    kubectl.run("apply", "--server-side", "-f", crds.toString());
    kubectl.run("wait", "--for=condition=Established", "--timeout=120s", "crd", "--all");
    kubectl.run("create", "namespace", "istio-system");
  }

  /** Applies every {@code *.yaml} of {@code dir} in name order and writes the pods' status. */
  public void apply(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        kubectl.run("apply", "--server-side", "-f", file.toString());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list fixtures in " + dir, e);
    }
    for (JsonNode pod : pods()) {
      String ips = pod.path("metadata").path("annotations").path(POD_IPS).asText("");
      if (!ips.isEmpty()) {
        kubectl.run("patch", "pod", pod.path("metadata").path("name").asText(), "-n",
            pod.path("metadata").path("namespace").asText(), "--subresource=status", "--type=merge",
            "-p", runningStatus(Arrays.asList(ips.split(","))));
      }
    }
  }

  /**
   * Writes every EndpointSlice once more (an annotation), once the servers watch. istiod decides an
   * endpoint is Terminating only if the slice's Service is already in its registry when the slice
   * arrives (else it stays UnHealthy until the slice changes); its Service and EndpointSlice informers
   * start in no fixed order, so without this its answer for terminating endpoints varies run to run.
   */
  public void touchEndpointSlices() {
    kubectl.run("annotate", "endpointslices", "--all", "--all-namespaces", "--overwrite",
        "conformance.meshpilot.io/resynced=true");
  }

  /** The sidecars to simulate: one per pod marked {@value #PROXY}, with its IPs and labels. */
  public List<SidecarNode> proxies(String istioVersion) {
    List<SidecarNode> out = new ArrayList<>();
    for (JsonNode pod : pods()) {
      JsonNode metadata = pod.path("metadata");
      if (metadata.path("annotations").path(PROXY).asText("").equals("true")) {
        Map<String, String> labels = new TreeMap<>();
        metadata.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        out.add(new SidecarNode(Arrays.asList(metadata.path("annotations").path(POD_IPS).asText().split(",")),
            metadata.path("name").asText(), metadata.path("namespace").asText(), labels, istioVersion));
      }
    }
    return out;
  }

  private List<JsonNode> pods() {
    try {
      List<JsonNode> out = new ArrayList<>();
      JSON.readTree(kubectl.run("get", "pods", "--all-namespaces", "-o", "json")).path("items").forEach(out::add);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("kubectl get pods answered no JSON", e);
    }
  }

  /** The status a kubelet would write for a running, ready pod with these IPs. */
  static String runningStatus(List<String> ips) {
    ObjectNode status = JSON.createObjectNode();
    status.put("phase", "Running").put("podIP", ips.get(0));
    ArrayNode podIps = status.putArray("podIPs");
    ips.forEach(ip -> podIps.addObject().put("ip", ip));
    status.putArray("conditions").addObject().put("type", "Ready").put("status", "True");
    ObjectNode patch = JSON.createObjectNode();
    patch.set("status", status);
    return patch.toString();
  }
}
