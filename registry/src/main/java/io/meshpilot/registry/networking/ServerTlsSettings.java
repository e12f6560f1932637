package io.meshpilot.registry.networking;

import java.util.List;

/**
 * Istio's {@code ServerTLSSettings} (networking.istio.io v1), as a Sidecar ingress listener's
 * {@code tls} writes it. Component names are Istio's JSON field names; certificate fields are paths.
 */
public record ServerTlsSettings(Boolean httpsRedirect, String mode, String serverCertificate, String privateKey,
    String caCertificates, String caCrl, String credentialName, List<String> credentialNames,
    List<TlsCertificate> tlsCertificates, List<String> subjectAltNames, List<String> verifyCertificateSpki,
    List<String> verifyCertificateHash, String minProtocolVersion, String maxProtocolVersion,
    List<String> cipherSuites) {
  public ServerTlsSettings {
    credentialNames = Nulls.list(credentialNames);
    tlsCertificates = Nulls.list(tlsCertificates);
    subjectAltNames = Nulls.list(subjectAltNames);
    verifyCertificateSpki = Nulls.list(verifyCertificateSpki);
    verifyCertificateHash = Nulls.list(verifyCertificateHash);
    cipherSuites = Nulls.list(cipherSuites);
  }

  /** One of several server certificates ({@code tlsCertificates}). */
  public record TlsCertificate(String serverCertificate, String privateKey, String caCertificates) {}
}
