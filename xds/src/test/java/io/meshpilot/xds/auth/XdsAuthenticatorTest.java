package io.meshpilot.xds.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class XdsAuthenticatorTest {
  private static final String SA1_TOKEN = "token-of-ns1-sa1";
  private static final TokenReviewer REVIEWER = token -> switch (token) {
    case SA1_TOKEN -> Optional.of("system:serviceaccount:ns1:sa1");
    case "admin-token" -> Optional.of("admin");
    default -> Optional.empty();
  };
  private final XdsAuthenticator authenticator = new XdsAuthenticator(XdsAuthOptions.defaults(), REVIEWER);

  private static CallerCredentials token(String token) {
    return new CallerCredentials(true, Optional.of(token), List.of());
  }

  private static CallerCredentials certificate(String... uris) {
    return new CallerCredentials(true, Optional.empty(), List.of(uris));
  }

  @Test
  void tokenOfTheNodesServiceAccountIsAcceptedWithItsSpiffeIdentity() {
    assertThat(authenticator.authenticate(token(SA1_TOKEN), new NodeClaim("ns1", "sa1")))
        .isEqualTo(new AuthDecision.Allowed(List.of(new SpiffeIdentity("cluster.local", "ns1", "sa1"))));
  }

  @Test
  void nodeWithoutServiceAccountIsCheckedOnItsNamespaceOnly() {
    assertThat(authenticator.authenticate(token(SA1_TOKEN), new NodeClaim("ns1", "")))
        .isInstanceOf(AuthDecision.Allowed.class);
  }

  @Test
  void tokenForAnotherNamespaceIsPermissionDenied() {
    assertThat(authenticator.authenticate(token(SA1_TOKEN), new NodeClaim("ns2", "sa1")))
        .isEqualTo(new AuthDecision.Refused(Status.Code.PERMISSION_DENIED,
            "authorization failed: no identities ([spiffe://cluster.local/ns/ns1/sa/sa1]) matched ns2/sa1"));
  }

  @Test
  void tokenForAnotherServiceAccountIsPermissionDenied() {
    assertThat(authenticator.authenticate(token(SA1_TOKEN), new NodeClaim("ns1", "sa2")))
        .extracting(d -> ((AuthDecision.Refused) d).code()).isEqualTo(Status.Code.PERMISSION_DENIED);
  }

  @Test
  void missingOrInvalidTokenIsUnauthenticatedWithTheReason() {
    AuthDecision none = authenticator.authenticate(new CallerCredentials(true, Optional.empty(), List.of()),
        new NodeClaim("ns1", "sa1"));
    assertThat(none).isEqualTo(new AuthDecision.Refused(Status.Code.UNAUTHENTICATED, "authentication failed: "
        + "no client certificate with a URI SAN; no bearer token in the authorization metadata"));
    AuthDecision invalid = authenticator.authenticate(token("forged"), new NodeClaim("ns1", "sa1"));
    assertThat(((AuthDecision.Refused) invalid).code()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(((AuthDecision.Refused) invalid).reason()).contains("did not pass TokenReview").doesNotContain("forged");
  }

  @Test
  void tokenOfAUserThatIsNoServiceAccountIsUnauthenticated() {
    AuthDecision decision = authenticator.authenticate(token("admin-token"), new NodeClaim("ns1", ""));
    assertThat(((AuthDecision.Refused) decision).reason()).contains("belongs to admin, not to a service account");
  }

  @Test
  void clientCertificateSpiffeIdentityIsUsedWithoutReviewingAToken() {
    AtomicInteger reviews = new AtomicInteger();
    XdsAuthenticator counting = new XdsAuthenticator(XdsAuthOptions.defaults(), t -> {
      reviews.incrementAndGet();
      return Optional.empty();
    });
    CallerCredentials both = new CallerCredentials(true, Optional.of("ignored"),
        List.of("spiffe://example.org/ns/ns1/sa/sa1"));
    assertThat(counting.authenticate(both, new NodeClaim("ns1", "sa1")))
        .isEqualTo(new AuthDecision.Allowed(List.of(new SpiffeIdentity("example.org", "ns1", "sa1"))));
    assertThat(counting.authenticate(both, new NodeClaim("ns2", "sa1"))).isInstanceOf(AuthDecision.Refused.class);
    assertThat(reviews).hasValue(0);
  }

  @Test
  void certificateWithoutSpiffeUriFallsBackToTheToken() {
    CallerCredentials caller = new CallerCredentials(true, Optional.of(SA1_TOKEN), List.of("https://example.org/x"));
    assertThat(authenticator.authenticate(caller, new NodeClaim("ns1", "sa1"))).isInstanceOf(AuthDecision.Allowed.class);
    assertThat(authenticator.authenticate(certificate("https://example.org/x"), new NodeClaim("ns1", "sa1")))
        .extracting(d -> ((AuthDecision.Refused) d).reason()).asString()
        .contains("are no SPIFFE identities");
  }

  @Test
  void plaintextStreamsAreNotAuthenticated() {
    assertThat(authenticator.authenticate(CallerCredentials.PLAINTEXT, new NodeClaim("ns2", "sa1")))
        .isEqualTo(new AuthDecision.Allowed(List.of()));
  }

  @Test
  void xdsAuthOffServesEveryone() {
    XdsAuthenticator off = new XdsAuthenticator(XdsAuthOptions.fromEnvironment(Map.of("XDS_AUTH", "false"),
        "cluster.local"), REVIEWER);
    assertThat(off.authenticate(token("forged"), new NodeClaim("ns2", ""))).isEqualTo(new AuthDecision.Allowed(List.of()));
  }

  @Test
  void identityCheckOffAcceptsAnyAuthenticatedCaller() {
    XdsAuthenticator noCheck = new XdsAuthenticator(XdsAuthOptions.fromEnvironment(
        Map.of("PILOT_ENABLE_XDS_IDENTITY_CHECK", "0"), "cluster.local"), REVIEWER);
    assertThat(noCheck.authenticate(token(SA1_TOKEN), new NodeClaim("ns2", "other"))).isInstanceOf(AuthDecision.Allowed.class);
    assertThat(noCheck.authenticate(token("forged"), new NodeClaim("ns2", ""))).isInstanceOf(AuthDecision.Refused.class);
  }

  @Test
  void reviewerFailureIsUnauthenticatedNotAnException() {
    XdsAuthenticator failing = new XdsAuthenticator(XdsAuthOptions.defaults(), t -> {
      throw new IllegalStateException("API server unreachable");
    });
    assertThat(failing.authenticate(token(SA1_TOKEN), new NodeClaim("ns1", "sa1")))
        .extracting(d -> ((AuthDecision.Refused) d).reason()).asString().contains("API server unreachable");
  }

  @Test
  void knobsDefaultToOnAndRefuseWhatIsNoBoolean() {
    assertThat(XdsAuthOptions.fromEnvironment(Map.of(), "td")).isEqualTo(new XdsAuthOptions(true, true, "td"));
    assertThatThrownBy(() -> XdsAuthOptions.fromEnvironment(Map.of("XDS_AUTH", "maybe"), "td"))
        .hasMessage("XDS_AUTH is not a boolean: maybe");
  }

  @Test
  void spiffeIdentitiesParseOnlyTheIstioShape() {
    assertThat(SpiffeIdentity.parse("spiffe://cluster.local/ns/a/sa/b")).contains(new SpiffeIdentity("cluster.local", "a", "b"));
    assertThat(SpiffeIdentity.parse("spiffe://cluster.local/ns/a/sa/b/extra")).isEmpty();
    assertThat(SpiffeIdentity.parse("spiffe://cluster.local/ns//sa/b")).isEmpty();
    assertThat(SpiffeIdentity.parse("https://cluster.local/ns/a/sa/b")).isEmpty();
    assertThat(SpiffeIdentity.ofServiceAccountUser("system:serviceaccount:a:b", "td"))
        .contains(new SpiffeIdentity("td", "a", "b"));
    assertThat(SpiffeIdentity.ofServiceAccountUser("system:serviceaccount:a", "td")).isEmpty();
  }
}
