package io.meshpilot.xds.cluster;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsParameters;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.meshpilot.registry.networking.DestinationRule.ClientTlsSettings;

/**
 * A DestinationRule's {@code tls} as the cluster's {@code transport_socket} (istiod's
 * cluster_tls.go for SIMPLE and MUTUAL): TLS 1.2 to 1.3, the rule's SNI (else {@code auto_sni}) and
 * subject alt names (else {@code auto_san_validation} when no SNI is given either), {@code h2} ALPN
 * on HTTP/2 clusters. The certificate files are the proxy's own paths, as in the rule; istiod
 * hands them to istio-agent's SDS ({@code file-root:<path>}), meshpilot, with no agent beside
 * upstream Envoy, names the files to Envoy directly. ISTIO_MUTUAL and {@code credentialName}
 * need certificates served over SDS, which meshpilot does not serve: such a policy is refused.
 */
final class UpstreamTls {
  static final String TLS_SOCKET = "envoy.transport_sockets.tls";
  /** Where istiod's agent looks for the system's roots when a rule names no CA. */
  private static final String SYSTEM_ROOTS = "system";

  private UpstreamTls() {}

  /**
   * @throws UnsupportedPolicyException for ISTIO_MUTUAL and {@code credentialName}, and for MUTUAL
   *     without a client certificate and key
   */
  static void apply(Cluster.Builder cluster, HttpOptions http, ClientTlsSettings tls) {
    String mode = tls.mode() == null ? "DISABLE" : tls.mode();
    switch (mode) {
      case "DISABLE" -> { }
      case "SIMPLE" -> cluster.setTransportSocket(socket(context(cluster, http, tls, false)));
      case "MUTUAL" -> cluster.setTransportSocket(socket(context(cluster, http, tls, true)));
      case "ISTIO_MUTUAL" -> throw new UnsupportedPolicyException(
          "tls.mode ISTIO_MUTUAL needs mesh mTLS certificates (SDS), which meshpilot does not serve yet");
      default -> throw new UnsupportedPolicyException("tls.mode " + mode + " is not a client TLS mode");
    }
  }

  /** True for the modes istiod marks with {@code alpn_override: "false"} in the cluster metadata. */
  static boolean overridesAlpn(ClientTlsSettings tls) {
    return tls != null && ("SIMPLE".equals(tls.mode()) || "MUTUAL".equals(tls.mode()));
  }

  private static UpstreamTlsContext context(Cluster.Builder cluster, HttpOptions http, ClientTlsSettings tls,
      boolean mutual) {
    if (tls.credentialName() != null && !tls.credentialName().isEmpty()) {
      throw new UnsupportedPolicyException("tls.credentialName needs certificates served over SDS, "
          + "which meshpilot does not serve; name the files (clientCertificate, privateKey, caCertificates)");
    }
    CommonTlsContext.Builder common = CommonTlsContext.newBuilder()
        .setTlsParams(TlsParameters.newBuilder()
            .setTlsMinimumProtocolVersion(TlsParameters.TlsProtocol.TLSv1_2)
            .setTlsMaximumProtocolVersion(TlsParameters.TlsProtocol.TLSv1_3));
    String sni = tls.sni() == null ? "" : tls.sni();
    boolean insecure = Boolean.TRUE.equals(tls.insecureSkipVerify());
    if (sni.isEmpty()) {
      http.upstream().setAutoSni(true);
      if (tls.subjectAltNames().isEmpty() && !insecure) {
        http.upstream().setAutoSanValidation(true);
      }
    }
    if (mutual) {
      if (empty(tls.clientCertificate()) || empty(tls.privateKey())) {
        throw new UnsupportedPolicyException("tls.mode MUTUAL of cluster " + cluster.getName()
            + " needs clientCertificate and privateKey");
      }
      common.addTlsCertificates(TlsCertificate.newBuilder()
          .setCertificateChain(file(tls.clientCertificate()))
          .setPrivateKey(file(tls.privateKey())));
    }
    String ca = empty(tls.caCertificates()) ? SYSTEM_ROOTS : tls.caCertificates();
    if (insecure) {
      common.setValidationContext(CertificateValidationContext.getDefaultInstance());
    } else {
      CertificateValidationContext.Builder validation = CertificateValidationContext.newBuilder();
      if (ca.equals(SYSTEM_ROOTS)) {
        validation.setSystemRootCerts(CertificateValidationContext.SystemRootCerts.getDefaultInstance());
      } else {
        validation.setTrustedCa(file(ca));
      }
      tls.subjectAltNames().forEach(san -> validation.addMatchSubjectAltNames(
          StringMatcher.newBuilder().setExact(san)));
      if (!empty(tls.caCrl())) {
        validation.setCrl(file(tls.caCrl()));
      }
      common.setValidationContext(validation);
    }
    if (http.isHttp2()) {
      common.addAlpnProtocols("h2");
    }
    return UpstreamTlsContext.newBuilder().setCommonTlsContext(common).setSni(sni).build();
  }

  private static TransportSocket socket(UpstreamTlsContext context) {
    return TransportSocket.newBuilder().setName(TLS_SOCKET).setTypedConfig(Any.pack(context)).build();
  }

  private static DataSource file(String path) {
    return DataSource.newBuilder().setFilename(path).build();
  }

  private static boolean empty(String value) {
    return value == null || value.isEmpty();
  }
}
