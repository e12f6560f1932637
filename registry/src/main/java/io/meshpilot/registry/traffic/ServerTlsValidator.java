package io.meshpilot.registry.traffic;

import io.meshpilot.registry.model.Protocol;
import io.meshpilot.registry.networking.ServerTlsSettings;
import io.meshpilot.registry.validation.Findings;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * istiod's checks of a Sidecar ingress listener's {@code tls} (its ServerTLSSettings under
 * {@code validateSidecar} and {@code validateTLSOptions}): the sidecar-only refusals (ISTIO_MUTUAL,
 * AUTO_PASSTHROUGH, credentials, SANs, redirects), a TLS port protocol, one certificate source,
 * and the certificates SIMPLE and MUTUAL need.
 */
final class ServerTlsValidator {
  private static final Set<String> MODES = Set.of("PASSTHROUGH", "SIMPLE", "MUTUAL", "AUTO_PASSTHROUGH",
      "ISTIO_MUTUAL", "OPTIONAL_MUTUAL");
  private static final Set<String> VERSIONS = Set.of("TLS_AUTO", "TLSV1_0", "TLSV1_1", "TLSV1_2", "TLSV1_3");
  /** istiod's ValidCipherSuites (BoringSSL's names without PSK). */
  private static final Set<String> CIPHER_SUITES = Set.of("ECDHE-ECDSA-AES128-GCM-SHA256",
      "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384",
      "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305", "ECDHE-ECDSA-AES128-SHA",
      "ECDHE-RSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA", "ECDHE-RSA-AES256-SHA", "AES128-GCM-SHA256",
      "AES256-GCM-SHA384", "AES128-SHA", "AES256-SHA", "DES-CBC3-SHA");

  private ServerTlsValidator() {}

  /** The {@code tls} of an ingress listener on a port declaring {@code protocol}. */
  static void sidecarIngress(ServerTlsSettings tls, String protocol, String path, Findings findings) {
    if (tls == null) {
      return;
    }
    if (!tls.subjectAltNames().isEmpty()) {
      findings.error(path + ".subjectAltNames", "sidecar: subjectAltNames is not supported in ingress tls");
    }
    if (Boolean.TRUE.equals(tls.httpsRedirect())) {
      findings.error(path + ".httpsRedirect", "sidecar: httpsRedirect is not supported");
    }
    if (!isEmpty(tls.credentialName())) {
      findings.error(path + ".credentialName", "sidecar: credentialName is not currently supported");
    }
    if (!tls.credentialNames().isEmpty()) {
      findings.error(path + ".credentialNames", "sidecar: credentialNames is not currently supported");
    }
    if (!tls.tlsCertificates().isEmpty()) {
      findings.error(path + ".tlsCertificates", "sidecar: tls_certificates is not currently supported");
    }
    String mode = tls.mode() == null ? "PASSTHROUGH" : tls.mode(); // the enum's zero value
    if (mode.equals("ISTIO_MUTUAL") || mode.equals("AUTO_PASSTHROUGH")) {
      findings.error(path + ".mode", "configuration is invalid: cannot set mode to " + mode + " in sidecar ingress tls");
    }
    if (!Protocol.parse(protocol == null ? "" : protocol).isTls()) {
      findings.error(path, "server cannot have TLS settings for non HTTPS/TLS ports");
    }
    options(tls, mode, path, findings);
  }

  /** istiod's validateTLSOptions. */
  private static void options(ServerTlsSettings tls, String mode, String path, Findings findings) {
    TrafficRules.oneOf(path + ".mode", tls.mode(), MODES, findings);
    TrafficRules.oneOf(path + ".minProtocolVersion", tls.minProtocolVersion(), VERSIONS, findings);
    TrafficRules.oneOf(path + ".maxProtocolVersion", tls.maxProtocolVersion(), VERSIONS, findings);
    if (("TLSV1_0".equals(tls.minProtocolVersion()) || "TLSV1_1".equals(tls.minProtocolVersion()))
        && tls.cipherSuites().isEmpty()) {
      findings.warning(path + ".minProtocolVersion", "TLS version below TLSV1_2 require setting compatible ciphers "
          + "as by default they no longer include compatible ciphers.");
    }
    ciphers(tls.cipherSuites(), path + ".cipherSuites", findings);
    if (mode.equals("ISTIO_MUTUAL")) {
      istioMutual(tls, path, findings);
      return;
    }
    int sources = (!isEmpty(tls.serverCertificate()) && !isEmpty(tls.privateKey()) ? 1 : 0)
        + (isEmpty(tls.credentialName()) ? 0 : 1) + (tls.credentialNames().isEmpty() ? 0 : 1)
        + (tls.tlsCertificates().isEmpty() ? 0 : 1);
    if (sources > 1) {
      findings.error(path, "only one of credential_name, credential_names, server_certificate/private_key, "
          + "tls_certificates should be specified");
    }
    boolean terminates = mode.equals("SIMPLE") || mode.equals("MUTUAL") || mode.equals("OPTIONAL_MUTUAL");
    if (terminates && (!isEmpty(tls.credentialName()) || !tls.credentialNames().isEmpty())) {
      return; // the certificates are fetched remotely
    }
    if (terminates) {
      String prefix = mode.equals("SIMPLE") ? "SIMPLE TLS" : "MUTUAL TLS";
      if (!mode.equals("SIMPLE") && isEmpty(tls.caCertificates())) {
        findings.error(path + ".caCertificates", prefix + " requires a client CA bundle");
      }
      List<ServerTlsSettings.TlsCertificate> certs = tls.tlsCertificates().isEmpty()
          ? List.of(new ServerTlsSettings.TlsCertificate(tls.serverCertificate(), tls.privateKey(), null))
          : tls.tlsCertificates();
      for (ServerTlsSettings.TlsCertificate cert : certs) {
        if (isEmpty(cert.serverCertificate())) {
          findings.error(path + ".serverCertificate", prefix + " requires a server certificate");
        }
        if (isEmpty(cert.privateKey())) {
          findings.error(path + ".privateKey", prefix + " requires a private key");
        }
      }
    }
    if (!isEmpty(tls.caCrl())) {
      if (!isEmpty(tls.credentialName())) {
        findings.error(path + ".caCrl", "CRL is not supported with credentialName. CRL has to be specified in the credential");
      }
      if (mode.equals("SIMPLE")) {
        findings.error(path + ".caCrl", "CRL is not supported with SIMPLE TLS");
      }
    }
  }

  /** ISTIO_MUTUAL takes its certificates from the mesh, so none may be named. */
  private static void istioMutual(ServerTlsSettings tls, String path, Findings findings) {
    if (!isEmpty(tls.serverCertificate())) {
      findings.error(path + ".serverCertificate", "ISTIO_MUTUAL TLS cannot have associated server certificate");
    }
    if (!isEmpty(tls.privateKey())) {
      findings.error(path + ".privateKey", "ISTIO_MUTUAL TLS cannot have associated private key");
    }
    if (!isEmpty(tls.caCertificates())) {
      findings.error(path + ".caCertificates", "ISTIO_MUTUAL TLS cannot have associated CA bundle");
    }
    if (!tls.tlsCertificates().isEmpty()) {
      findings.error(path + ".tlsCertificates", "ISTIO_MUTUAL TLS cannot have associated tlsCertificates");
    }
    if (!isEmpty(tls.credentialName())) {
      findings.error(path + ".credentialName", "ISTIO_MUTUAL TLS cannot have associated credentialName");
    }
    if (!tls.credentialNames().isEmpty()) {
      findings.error(path + ".credentialNames", "ISTIO_MUTUAL TLS cannot have associated credentialNames");
    }
  }

  /** Unknown and repeated cipher suites are warned about and ignored, as istiod does. */
  private static void ciphers(List<String> suites, String path, Findings findings) {
    Set<String> invalid = new TreeSet<>();
    Set<String> seen = new HashSet<>();
    Set<String> duplicate = new TreeSet<>();
    for (String suite : suites) {
      if (!valid(suite)) {
        invalid.add(suite);
      } else if (!seen.add(suite)) {
        duplicate.add(suite);
      }
    }
    if (!invalid.isEmpty()) {
      findings.warning(path, "ignoring invalid cipher suites: " + invalid);
    }
    if (!duplicate.isEmpty()) {
      findings.warning(path, "ignoring duplicate cipher suites: " + duplicate);
    }
  }

  /** istiod's IsValidCipherSuite: empty, ALL, an expression starting with an operator, or a known name. */
  private static boolean valid(String suite) {
    if (suite == null || suite.isEmpty() || suite.equals("ALL")) {
      return true;
    }
    return !Character.isLetterOrDigit(suite.charAt(0)) || CIPHER_SUITES.contains(suite);
  }

  private static boolean isEmpty(String value) {
    return value == null || value.isEmpty();
  }
}
