package io.meshpilot.debughttp;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshpilot.xds.auth.TokenReviewer;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DebugAccessTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final Optional<String> NO_HOST = Optional.empty();
  private static final InetAddress REMOTE = address("10.1.2.3");
  private static final DebugHttpOptions DEFAULTS = new DebugHttpOptions("0.0.0.0", 0, "v");

  @TempDir
  Path dir;

  @Test
  void loopbackCallersNeedNoToken() {
    DebugAccess access = new DebugAccess(DEFAULTS, TokenReviewer.NONE);

    assertThat(access.decide(LOOPBACK, NO_HOST, Optional.empty(), "/debug/registryz"))
        .isEqualTo(new DebugAccess.Decision.Allow(Caller.full("loopback")));
  }

  @Test
  void loopbackCallerNamingALoopbackHostNeedsNoToken() {
    DebugAccess access = new DebugAccess(DEFAULTS, TokenReviewer.NONE);

    assertThat(access.decide(LOOPBACK, Optional.of("localhost:15014"), Optional.empty(), "/debug/registryz"))
        .isEqualTo(new DebugAccess.Decision.Allow(Caller.full("loopback")));
  }

  @Test
  void loopbackCallerWithAForeignHostIsTreatedAsRemote() throws Exception {
    // a browser sent to 127.0.0.1 (e.g. a kubectl port-forward) by a DNS name rebound to it
    DebugAccess open = new DebugAccess(DEFAULTS, TokenReviewer.NONE);
    assertThat(status(open.decide(LOOPBACK, Optional.of("evil.example.com:15014"), Optional.empty(),
        "/debug/registryz"))).isEqualTo(401);

    DebugAccess withTokens = new DebugAccess(DEFAULTS.withTokenFile(tokens("ops-token\n")), TokenReviewer.NONE);
    assertThat(withTokens.decide(LOOPBACK, Optional.of("meshpilot.example.com"), Optional.of("Bearer ops-token"),
        "/debug/registryz")).isEqualTo(new DebugAccess.Decision.Allow(Caller.full("token-file")));
  }

  @Test
  void remoteCallersWithoutAnyTokenSourceAreRefused401() {
    DebugAccess access = new DebugAccess(DEFAULTS, TokenReviewer.NONE);

    assertThat(status(access.decide(REMOTE, NO_HOST, Optional.of("Bearer anything"), "/debug/registryz"))).isEqualTo(401);
    assertThat(status(access.decide(null, NO_HOST, Optional.empty(), "/debug/registryz"))).isEqualTo(401);
  }

  @Test
  void tokenFileTokensAreAcceptedWithBearerOrIstioScheme() throws Exception {
    DebugAccess access = new DebugAccess(DEFAULTS.withTokenFile(tokens("# operators\nsecret-1\n\nsecret-2 istio-system\n")),
        TokenReviewer.NONE);

    assertThat(access.decide(REMOTE, NO_HOST, Optional.of("Bearer secret-1"), "/debug/registryz"))
        .isEqualTo(new DebugAccess.Decision.Allow(Caller.full("token-file")));
    assertThat(access.decide(REMOTE, NO_HOST, Optional.of("Istio secret-2"), "/debug/syncz"))
        .isEqualTo(new DebugAccess.Decision.Allow(Caller.full("token-file")));
    assertThat(status(access.decide(REMOTE, NO_HOST, Optional.of("Bearer secret-3"), "/debug/syncz"))).isEqualTo(401);
    assertThat(status(access.decide(REMOTE, NO_HOST, Optional.of("Basic secret-1"), "/debug/syncz"))).isEqualTo(401);
    assertThat(status(access.decide(REMOTE, NO_HOST, Optional.empty(), "/debug/syncz"))).isEqualTo(401);
  }

  @Test
  void aNamespacedTokenMayReadOnlyProxyScopedEndpointsOfItsNamespace() throws Exception {
    DebugAccess access = new DebugAccess(DEFAULTS.withTokenFile(tokens("team-a-token team-a\n")), TokenReviewer.NONE);

    assertThat(access.decide(REMOTE, NO_HOST, Optional.of("Bearer team-a-token"), "/debug/config_dump"))
        .isEqualTo(new DebugAccess.Decision.Allow(Caller.scoped("token-file", "team-a")));
    assertThat(status(access.decide(REMOTE, NO_HOST, Optional.of("Bearer team-a-token"), "/debug/syncz"))).isEqualTo(0);
    assertThat(status(access.decide(REMOTE, NO_HOST, Optional.of("Bearer team-a-token"), "/debug/adsz"))).isEqualTo(0);
    assertThat(status(access.decide(REMOTE, NO_HOST, Optional.of("Bearer team-a-token"), "/debug/registryz"))).isEqualTo(403);
    assertThat(status(access.decide(REMOTE, NO_HOST, Optional.of("Bearer team-a-token"), "/debug/endpointz"))).isEqualTo(403);
    assertThat(status(access.decide(REMOTE, NO_HOST, Optional.of("Bearer team-a-token"), "/debug/list"))).isEqualTo(403);
  }

  @Test
  void namespaceAuthorizationOffGivesEveryIdentityFullAccess() throws Exception {
    DebugAccess access = new DebugAccess(DEFAULTS.withTokenFile(tokens("team-a-token team-a\n"))
        .withNamespaceAuthorization(false), TokenReviewer.NONE);

    assertThat(access.decide(REMOTE, NO_HOST, Optional.of("Bearer team-a-token"), "/debug/registryz"))
        .isEqualTo(new DebugAccess.Decision.Allow(Caller.full("token-file")));
  }

  @Test
  void tokenReviewIdentitiesAreScopedByTheirServiceAccountNamespace() {
    TokenReviewer fake = token -> switch (token) {
      case "istiod-sa" -> Optional.of("system:serviceaccount:istio-system:istiod");
      case "app-sa" -> Optional.of("system:serviceaccount:shop:checkout");
      case "human" -> Optional.of("alice@example.com");
      default -> Optional.empty();
    };
    DebugAccess access = new DebugAccess(DEFAULTS.withTokenReview(true), fake);

    assertThat(access.decide(REMOTE, NO_HOST, Optional.of("Bearer istiod-sa"), "/debug/registryz"))
        .isEqualTo(new DebugAccess.Decision.Allow(Caller.full("system:serviceaccount:istio-system:istiod")));
    assertThat(access.decide(REMOTE, NO_HOST, Optional.of("Bearer app-sa"), "/debug/config_dump"))
        .isEqualTo(new DebugAccess.Decision.Allow(Caller.scoped("system:serviceaccount:shop:checkout", "shop")));
    assertThat(status(access.decide(REMOTE, NO_HOST, Optional.of("Bearer app-sa"), "/debug/registryz"))).isEqualTo(403);
    assertThat(status(access.decide(REMOTE, NO_HOST, Optional.of("Bearer human"), "/debug/registryz"))).isEqualTo(401);
    assertThat(status(access.decide(REMOTE, NO_HOST, Optional.of("Bearer forged"), "/debug/registryz"))).isEqualTo(401);
  }

  @Test
  void allowedNamespacesGetFullAccess() {
    DebugHttpOptions options = DebugHttpOptions.fromEnvironment("0.0.0.0", 0, "v", Optional.empty(), "istio-system",
        Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1", "DEBUG_ENDPOINT_AUTH_ALLOWED_NAMESPACES", "monitoring, ops"));
    DebugAccess access = new DebugAccess(options, token -> Optional.of("system:serviceaccount:ops:kiali"));

    assertThat(access.decide(REMOTE, NO_HOST, Optional.of("Bearer t"), "/debug/registryz"))
        .isEqualTo(new DebugAccess.Decision.Allow(Caller.full("system:serviceaccount:ops:kiali")));
  }

  @Test
  void debugOffAnswers404EvenToLoopback() {
    DebugAccess access = new DebugAccess(DEFAULTS.withDebugEnabled(false), TokenReviewer.NONE);

    assertThat(status(access.decide(LOOPBACK, NO_HOST, Optional.empty(), "/debug/registryz"))).isEqualTo(404);
  }

  @Test
  void aChangedTokenFileIsReReadOnTheNextRequest() throws Exception {
    Path file = tokens("old-token\n");
    DebugAccess access = new DebugAccess(DEFAULTS.withTokenFile(file), TokenReviewer.NONE);
    assertThat(status(access.decide(REMOTE, NO_HOST, Optional.of("Bearer old-token"), "/debug/syncz"))).isEqualTo(0);

    Files.writeString(file, "new-token-that-is-longer\n"); // a different size, whatever the clock's resolution

    assertThat(status(access.decide(REMOTE, NO_HOST, Optional.of("Bearer old-token"), "/debug/syncz"))).isEqualTo(401);
    assertThat(status(access.decide(REMOTE, NO_HOST, Optional.of("Bearer new-token-that-is-longer"), "/debug/syncz"))).isEqualTo(0);
  }

  @Test
  void aMissingTokenFileRefusesEveryToken() {
    DebugAccess access = new DebugAccess(DEFAULTS.withTokenFile(dir.resolve("absent")), TokenReviewer.NONE);

    assertThat(status(access.decide(REMOTE, NO_HOST, Optional.of("Bearer x"), "/debug/syncz"))).isEqualTo(401);
  }

  @Test
  void tokenFileLinesAreTokenAndOptionalNamespace() {
    assertThat(TokenFile.parse(List.of("  a  ", "# c", "", "b\tns-b", "c ns-c extra")))
        .containsExactly(new TokenFile.Entry("a", Optional.empty()), new TokenFile.Entry("b", Optional.of("ns-b")),
            new TokenFile.Entry("c", Optional.of("ns-c")));
  }

  private Path tokens(String content) throws Exception {
    Path file = dir.resolve("tokens");
    Files.writeString(file, content);
    return file;
  }

  /** 0 for allowed, else the refusal status. */
  private static int status(DebugAccess.Decision decision) {
    return decision instanceof DebugAccess.Decision.Deny deny ? deny.status() : 0;
  }

  private static InetAddress address(String ip) {
    try {
      return InetAddress.getByName(ip);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
