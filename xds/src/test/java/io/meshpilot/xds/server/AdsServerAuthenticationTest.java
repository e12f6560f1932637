package io.meshpilot.xds.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.meshpilot.xds.XdsEvents;
import io.meshpilot.xds.auth.AdsProbe;
import io.meshpilot.xds.auth.XdsAuthOptions;
import io.meshpilot.xds.auth.XdsAuthenticator;
import io.meshpilot.xds.e2e.TestCertificates;
import io.meshpilot.xds.e2e.TestCertificates.Authority;
import io.meshpilot.xds.e2e.TestCertificates.Issued;
import io.meshpilot.xds.e2e.TestCertificates.KeyType;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TLS listener authenticates each stream's first request as istiod's 15012 does (bearer token
 * or client certificate, then the node's namespace and service account), and the plaintext
 * listener does not; refused streams end with UNAUTHENTICATED or PERMISSION_DENIED and the reason.
 */
class AdsServerAuthenticationTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String TOKEN = "token-of-ns1-sa1";

  @TempDir
  static Path dir;
  /** TLS without client certificates: callers authenticate with bearer tokens. */
  private static AdsServer server;
  /** TLS requiring client certificates (--tls-client-ca-file): their SPIFFE identity is used. */
  private static AdsServer mtlsServer;
  private static Path ca;
  private static Issued spiffeClient;

  @BeforeAll
  static void start() throws Exception {
    Authority authority = TestCertificates.authority(dir.resolve("ca"), "auth-test-ca");
    Issued serving = authority.issueServer(KeyType.EC);
    serving.writeTo(dir.resolve("tls.crt"), dir.resolve("tls.key"));
    ca = dir.resolve("ca.crt");
    Files.writeString(ca, authority.certificatePem());
    spiffeClient = authority.issue("sa1.ns1", KeyType.EC, "uri:spiffe://cluster.local/ns/ns1/sa/sa1");
    spiffeClient.writeTo(dir.resolve("client.crt"), dir.resolve("client.key"));
    XdsAuthenticator authenticator = new XdsAuthenticator(XdsAuthOptions.defaults(),
        token -> token.equals(TOKEN) ? Optional.of("system:serviceaccount:ns1:sa1") : Optional.empty());
    XdsTlsOptions tls = XdsTlsOptions.of(new InetSocketAddress("127.0.0.1", 0), dir.resolve("tls.crt"),
        dir.resolve("tls.key")).withAuthenticator(authenticator);
    server = new AdsServer(new InetSocketAddress("127.0.0.1", 0), Optional.of(tls), new FakeResourceSource(),
        XdsEvents.NONE).start();
    mtlsServer = new AdsServer(new InetSocketAddress("127.0.0.1", 0), Optional.of(tls.withClientCa(ca)),
        new FakeResourceSource(), XdsEvents.NONE).start();
  }

  @AfterAll
  static void stop() {
    for (AdsServer s : new AdsServer[] {server, mtlsServer}) {
      if (s != null) {
        s.close();
      }
    }
  }

  private static AdsProbe.Outcome overTls(String namespace, Optional<String> sa, Optional<String> token,
      boolean clientCertificate) throws Exception {
    AdsServer target = clientCertificate ? mtlsServer : server;
    try (AdsProbe probe = AdsProbe.tls(target.tlsPort().orElseThrow(), ca,
        clientCertificate ? Optional.of(dir.resolve("client.crt")) : Optional.empty(),
        clientCertificate ? Optional.of(dir.resolve("client.key")) : Optional.empty())) {
      return probe.open(AdsProbe.sidecar("pod-a", namespace, sa), token, WAIT);
    }
  }

  @Test
  void tokenForTheNodesNamespaceAndServiceAccountIsServed() throws Exception {
    assertThat(overTls("ns1", Optional.of("sa1"), Optional.of(TOKEN), false).served()).isTrue();
  }

  @Test
  void tokenForAnotherNamespaceIsRefusedWithPermissionDenied() throws Exception {
    AdsProbe.Outcome outcome = overTls("ns2", Optional.of("sa1"), Optional.of(TOKEN), false);
    assertThat(outcome.code()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(outcome.description()).isEqualTo(
        "authorization failed: no identities ([spiffe://cluster.local/ns/ns1/sa/sa1]) matched ns2/sa1");
    assertThat(server.connectionIds()).isEmpty();
  }

  @Test
  void noCredentialsOverTlsIsUnauthenticated() throws Exception {
    AdsProbe.Outcome outcome = overTls("ns1", Optional.empty(), Optional.empty(), false);
    assertThat(outcome.code()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(outcome.description()).contains("no bearer token in the authorization metadata");
  }

  @Test
  void clientCertificateSpiffeIdentityIsServedForItsNamespaceOnly() throws Exception {
    assertThat(overTls("ns1", Optional.of("sa1"), Optional.empty(), true).served()).isTrue();
    assertThat(overTls("ns2", Optional.empty(), Optional.empty(), true).code()).isEqualTo(Status.Code.PERMISSION_DENIED);
  }

  @Test
  void withoutThePlaintextListenerXdsIsServedOnlyOverTls() throws Exception {
    XdsTlsOptions tlsOnly = XdsTlsOptions.of(new InetSocketAddress("127.0.0.1", 0), dir.resolve("tls.crt"),
        dir.resolve("tls.key")).withoutPlaintextListener();
    try (AdsServer only = new AdsServer(new InetSocketAddress("127.0.0.1", 0), Optional.of(tlsOnly),
        new FakeResourceSource(), XdsEvents.NONE).start();
        AdsProbe probe = AdsProbe.tls(only.tlsPort().orElseThrow(), ca, Optional.empty(), Optional.empty())) {
      assertThatThrownBy(only::port).hasMessage("the plaintext xDS listener is off");
      assertThat(probe.open(AdsProbe.sidecar("pod-c", "ns1", Optional.empty()), Optional.empty(), WAIT).served())
          .isTrue();
    }
  }

  @Test
  void plaintextListenerIsNotAuthenticated() throws Exception {
    try (AdsProbe probe = AdsProbe.plaintext(server.port())) {
      assertThat(probe.open(AdsProbe.sidecar("pod-b", "ns2", Optional.empty()), Optional.empty(), WAIT).served())
          .isTrue();
    }
  }
}
