package io.meshpilot.xds.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The bootstrap for a test sidecar Envoy: the node (identity and Istio metadata), optionally ADS to a
 * control plane (state of the world or Delta) through a static HTTP/2 cluster {@code xds-grpc}, and
 * optionally static listeners and clusters (the harness's own smoke tests use only those).
 * {@link EnvoyProcess} adds the admin address when it starts Envoy.
 *
 * <p>Like Istio's bootstrap, {@code cds_config}/{@code lds_config} use ADS with
 * {@code initial_fetch_timeout: 0s}: Envoy stays un-ready until the first CDS and LDS answer, so a
 * test waiting for LIVE really waits for the control plane.
 *
 * @param node who the sidecar is
 * @param ads the ADS connection, empty for a static-only Envoy
 * @param staticListeners listeners in Envoy's v3 JSON form
 * @param staticClusters clusters in Envoy's v3 JSON form
 */
public record EnvoyBootstrap(SidecarNode node, Optional<Ads> ads, List<JsonNode> staticListeners,
    List<JsonNode> staticClusters) {

  static final ObjectMapper JSON = new ObjectMapper();

  /** ADS flavour: state of the world ({@code GRPC}) or incremental ({@code DELTA_GRPC}). */
  public enum AdsMode {
    SOTW("GRPC"), DELTA("DELTA_GRPC");

    final String apiType;

    AdsMode(String apiType) {
      this.apiType = apiType;
    }
  }

  /**
   * Where and how to speak ADS.
   *
   * @param mode SotW or Delta
   * @param tcpAddress the control plane's TCP address (a host test), or empty
   * @param pipe a Unix socket leading to it (Envoy inside a {@link NetnsSandbox}), or empty
   * @param tls TLS to the control plane (its 15012-style port), or empty for plaintext
   */
  public record Ads(AdsMode mode, Optional<InetSocketAddress> tcpAddress, Optional<Path> pipe, Optional<AdsTls> tls) {
    public Ads {
      Objects.requireNonNull(mode);
      Objects.requireNonNull(tls);
      if (tcpAddress.isPresent() == pipe.isPresent()) {
        throw new IllegalArgumentException("ADS needs exactly one of a TCP address and a pipe");
      }
    }

    public Ads(AdsMode mode, Optional<InetSocketAddress> tcpAddress, Optional<Path> pipe) {
      this(mode, tcpAddress, pipe, Optional.empty());
    }
  }

  /**
   * TLS on the {@code xds-grpc} cluster, as pilot-agent sets it up: the control plane's certificate
   * is checked against {@code caFile}; a client certificate is presented when given.
   */
  public record AdsTls(Path caFile, Optional<Path> certFile, Optional<Path> keyFile) {
    public AdsTls {
      Objects.requireNonNull(caFile);
      if (certFile.isPresent() != keyFile.isPresent()) {
        throw new IllegalArgumentException("a client certificate needs both its certificate and key file");
      }
    }
  }

  public EnvoyBootstrap {
    Objects.requireNonNull(node);
    Objects.requireNonNull(ads);
    staticListeners = List.copyOf(staticListeners);
    staticClusters = List.copyOf(staticClusters);
  }

  /** A bootstrap for {@code node} with nothing in it yet. */
  public static EnvoyBootstrap forSidecar(SidecarNode node) {
    return new EnvoyBootstrap(node, Optional.empty(), List.of(), List.of());
  }

  /** ADS to a control plane listening on {@code xds} (host tests). */
  public EnvoyBootstrap withAds(AdsMode mode, InetSocketAddress xds) {
    return new EnvoyBootstrap(node, Optional.of(new Ads(mode, Optional.of(xds), Optional.empty())), staticListeners,
        staticClusters);
  }

  /** ADS through a Unix socket (see {@link NetnsSandbox#bridgeToHost}). */
  public EnvoyBootstrap withAds(AdsMode mode, Path pipe) {
    return new EnvoyBootstrap(node, Optional.of(new Ads(mode, Optional.empty(), Optional.of(pipe))), staticListeners,
        staticClusters);
  }

  /**
   * TLS on the ADS connection set with {@link #withAds}: the control plane's certificate must chain
   * to {@code caFile}; {@code certFile}/{@code keyFile}, when given, are the client certificate.
   */
  public EnvoyBootstrap withAdsTls(Path caFile, Optional<Path> certFile, Optional<Path> keyFile) {
    Ads current = ads.orElseThrow(() -> new IllegalStateException("withAdsTls needs withAds first"));
    Ads secured = new Ads(current.mode(), current.tcpAddress(), current.pipe(),
        Optional.of(new AdsTls(caFile, certFile, keyFile)));
    return new EnvoyBootstrap(node, Optional.of(secured), staticListeners, staticClusters);
  }

  /** Adds a static listener given as Envoy v3 JSON. */
  public EnvoyBootstrap withStaticListener(String json) {
    List<JsonNode> listeners = new ArrayList<>(staticListeners);
    listeners.add(parse(json));
    return new EnvoyBootstrap(node, ads, listeners, staticClusters);
  }

  /** Adds a static cluster given as Envoy v3 JSON. */
  public EnvoyBootstrap withStaticCluster(String json) {
    List<JsonNode> clusters = new ArrayList<>(staticClusters);
    clusters.add(parse(json));
    return new EnvoyBootstrap(node, ads, staticListeners, clusters);
  }

  /** The bootstrap as Envoy JSON, with the admin listener at {@code admin}. */
  ObjectNode toJson(AdminAddress admin) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode nodeJson = root.putObject("node");
    nodeJson.put("id", node.id());
    nodeJson.put("cluster", node.serviceCluster());
    ObjectNode metadata = nodeJson.putObject("metadata");
    metadata.put("NAMESPACE", node.namespace());
    metadata.put("NAME", node.podName());
    ObjectNode labels = metadata.putObject("LABELS");
    node.labels().forEach(labels::put);
    metadata.put("INSTANCE_IPS", node.ip());
    metadata.put("CLUSTER_ID", node.clusterId());
    metadata.put("ISTIO_VERSION", node.istioVersion());
    metadata.put("INTERCEPTION_MODE", node.interceptionMode().name());

    ObjectNode adminJson = root.putObject("admin");
    adminJson.set("address", admin.toJson());

    ObjectNode statics = root.putObject("static_resources");
    ArrayNode listeners = statics.putArray("listeners");
    staticListeners.forEach(listeners::add);
    ArrayNode clusters = statics.putArray("clusters");
    staticClusters.forEach(clusters::add);

    ads.ifPresent(a -> {
      clusters.add(xdsCluster(a));
      ObjectNode dynamic = root.putObject("dynamic_resources");
      ObjectNode adsConfig = dynamic.putObject("ads_config");
      adsConfig.put("api_type", a.mode().apiType);
      adsConfig.put("transport_api_version", "V3");
      adsConfig.put("set_node_on_first_message_only", true);
      adsConfig.putArray("grpc_services").addObject().putObject("envoy_grpc").put("cluster_name", "xds-grpc");
      for (String key : List.of("cds_config", "lds_config")) {
        ObjectNode source = dynamic.putObject(key);
        source.putObject("ads");
        source.put("initial_fetch_timeout", "0s");
        source.put("resource_api_version", "V3");
      }
    });
    return root;
  }

  private static ObjectNode xdsCluster(Ads ads) {
    ObjectNode cluster = JSON.createObjectNode();
    cluster.put("name", "xds-grpc");
    cluster.put("type", "STATIC");
    cluster.put("connect_timeout", "1s");
    cluster.putObject("typed_extension_protocol_options")
        .putObject("envoy.extensions.upstreams.http.v3.HttpProtocolOptions")
        .put("@type", "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions")
        .putObject("explicit_http_config").putObject("http2_protocol_options");
    ObjectNode address = cluster.putObject("load_assignment").put("cluster_name", "xds-grpc")
        .putArray("endpoints").addObject().putArray("lb_endpoints").addObject()
        .putObject("endpoint").putObject("address");
    ads.tcpAddress().ifPresent(tcp -> address.putObject("socket_address")
        .put("address", tcp.getAddress().getHostAddress()).put("port_value", tcp.getPort()));
    ads.pipe().ifPresent(pipe -> address.putObject("pipe").put("path", pipe.toString()));
    ads.tls().ifPresent(tls -> {
      ObjectNode context = cluster.putObject("transport_socket").put("name", "envoy.transport_sockets.tls")
          .putObject("typed_config")
          .put("@type", "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext")
          .putObject("common_tls_context");
      // grpc-java's server insists on ALPN h2
      context.putArray("alpn_protocols").add("h2");
      context.putObject("validation_context").putObject("trusted_ca").put("filename", tls.caFile().toString());
      tls.certFile().ifPresent(cert -> {
        ObjectNode certificate = context.putArray("tls_certificates").addObject();
        certificate.putObject("certificate_chain").put("filename", cert.toString());
        certificate.putObject("private_key").put("filename", tls.keyFile().orElseThrow().toString());
      });
    });
    return cluster;
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("not JSON: " + json, e);
    }
  }

  /** Where Envoy's admin API listens: TCP 127.0.0.1 on a free port, or a pipe. */
  sealed interface AdminAddress {
    ObjectNode toJson();

    /** TCP on 127.0.0.1, port 0: Envoy picks one and writes it to --admin-address-path. */
    record Loopback() implements AdminAddress {
      @Override
      public ObjectNode toJson() {
        ObjectNode address = JSON.createObjectNode();
        address.putObject("socket_address").put("address", "127.0.0.1").put("port_value", 0);
        return address;
      }
    }

    /** A Unix socket, for an Envoy inside a network namespace the test JVM cannot reach over TCP. */
    record Pipe(Path path) implements AdminAddress {
      @Override
      public ObjectNode toJson() {
        ObjectNode address = JSON.createObjectNode();
        // 0666 so root (the test) and the proxy uid can both use it
        address.putObject("pipe").put("path", path.toString()).put("mode", 438);
        return address;
      }
    }
  }
}
