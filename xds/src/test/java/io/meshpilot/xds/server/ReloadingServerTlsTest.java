package io.meshpilot.xds.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.meshpilot.xds.e2e.SecretMount;
import io.meshpilot.xds.e2e.TestCertificates;
import io.meshpilot.xds.e2e.TestCertificates.Authority;
import io.meshpilot.xds.e2e.TestCertificates.Issued;
import io.meshpilot.xds.e2e.TestCertificates.KeyType;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Following the TLS files: Secret symlink swaps, polling, and files that cannot be used. */
class ReloadingServerTlsTest {
  private static final Duration AT_MOST = Duration.ofSeconds(10);
  private static final Duration NEVER = Duration.ofHours(1);

  @TempDir static Path certs;
  private static Issued first;
  private static Issued second;
  private static Issued other;

  @TempDir Path dir;
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private ReloadingServerTls tls;

  @BeforeAll
  static void issue() {
    Authority ca = TestCertificates.authority(certs, "reload-test-ca");
    first = ca.issueServer(KeyType.EC);
    second = ca.issueServer(KeyType.EC);
    other = ca.issueServer(KeyType.RSA);
  }

  @BeforeEach
  void captureLog() {
    log.start();
    ((Logger) LoggerFactory.getLogger(ReloadingServerTls.class)).addAppender(log);
  }

  @AfterEach
  void stop() {
    ((Logger) LoggerFactory.getLogger(ReloadingServerTls.class)).detachAppender(log);
    if (tls != null) {
      tls.close();
    }
  }

  private static Map<String, String> files(Issued issued) {
    return Map.of("tls.crt", issued.certificatePem(), "tls.key", issued.keyPem());
  }

  private XdsTlsOptions options(SecretMount mount, Duration poll) {
    return XdsTlsOptions.of(new InetSocketAddress(0), mount.file("tls.crt"), mount.file("tls.key"))
        .withPollInterval(poll);
  }

  private List<String> lines() {
    return log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  void aSecretUpdateIsPickedUpFromTheDirectoryWatchAndLoggedWithTheNewSubjectAndExpiry() throws IOException {
    SecretMount mount = SecretMount.create(dir.resolve("secret"), files(first));
    tls = ReloadingServerTls.start(options(mount, NEVER));
    assertThat(tls.certificate().getSerialNumber()).isEqualTo(first.serial());

    mount.update(files(second));

    await().atMost(AT_MOST).until(() -> tls.certificate().getSerialNumber().equals(second.serial()));
    // the line is written just after the new certificate is in place, on the watch's thread
    await().atMost(AT_MOST).ignoreExceptions().untilAsserted(() -> assertThat(lines())
        .filteredOn(l -> l.startsWith("TLS xDS certificate reloaded")).singleElement().asString()
        .contains("CN=meshpilot.istio-system.svc", "serial " + second.serial().toString(16), "expires 20"));
    assertThat(tls.reloads()).isEqualTo(1);
  }

  @Test
  void pollingFindsAChangeTheDirectoryWatchCannotSee() throws IOException {
    // The visible files link into another directory, which is not watched.
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    first.writeTo(elsewhere.resolve("tls.crt"), elsewhere.resolve("tls.key"));
    Path visible = Files.createDirectories(dir.resolve("visible"));
    Files.createSymbolicLink(visible.resolve("tls.crt"), elsewhere.resolve("tls.crt"));
    Files.createSymbolicLink(visible.resolve("tls.key"), elsewhere.resolve("tls.key"));
    tls = ReloadingServerTls.start(XdsTlsOptions.of(new InetSocketAddress(0), visible.resolve("tls.crt"),
        visible.resolve("tls.key")).withPollInterval(Duration.ofMillis(200)));

    second.writeTo(elsewhere.resolve("tls.crt"), elsewhere.resolve("tls.key"));

    await().atMost(AT_MOST).until(() -> tls.certificate().getSerialNumber().equals(second.serial()));
  }

  @Test
  void filesThatCannotBeUsedKeepTheCurrentCertificateAndAreLoggedOnce() throws IOException {
    SecretMount mount = SecretMount.create(dir.resolve("secret"), files(first));
    tls = ReloadingServerTls.start(options(mount, NEVER));

    mount.update(Map.of("tls.crt", second.certificatePem(), "tls.key", other.keyPem()));
    tls.check();
    tls.check();

    assertThat(tls.certificate().getSerialNumber()).isEqualTo(first.serial());
    assertThat(lines()).filteredOn(l -> l.startsWith("TLS xDS files changed but cannot be used")).singleElement()
        .asString().contains("tls.key is not the key of the certificate in", "still serving",
            "serial " + first.serial().toString(16));

    mount.update(files(second));
    tls.check();
    assertThat(tls.certificate().getSerialNumber()).isEqualTo(second.serial());
  }

  @Test
  void startFailsNamingTheFileThatCannotBeRead() {
    SecretMount mount = SecretMount.create(dir.resolve("secret"), Map.of("tls.crt", first.certificatePem(),
        "tls.key", "not a key"));

    assertThatThrownBy(() -> ReloadingServerTls.start(options(mount, NEVER)))
        .isInstanceOf(IOException.class).hasMessageContaining("tls.key").hasMessageContaining("no PEM PRIVATE KEY");
  }

  @Test
  void garbageFilesDoNotStopTheReloadAndALaterValidCertificateIsServed() throws IOException {
    SecretMount mount = SecretMount.create(dir.resolve("secret"), files(first));
    tls = ReloadingServerTls.start(options(mount, Duration.ofMillis(100)));

    // A CERTIFICATE block whose base64 ends in a lone character: the decoder's unchecked exception
    // used to end the reload thread.
    mount.update(Map.of("tls.crt", "-----BEGIN CERTIFICATE-----\nMIIBA\n-----END CERTIFICATE-----\n",
        "tls.key", "garbage"));
    await().atMost(AT_MOST).until(() -> lines().stream().anyMatch(l -> l.startsWith("TLS xDS files changed but cannot")));
    tls.check();
    tls.check();
    assertThat(tls.certificate().getSerialNumber()).isEqualTo(first.serial());

    mount.update(files(second));

    await().atMost(AT_MOST).until(() -> tls.certificate().getSerialNumber().equals(second.serial()));
    assertThat(lines()).filteredOn(l -> l.startsWith("TLS xDS files changed but cannot be used")).singleElement()
        .asString().contains("tls.crt: PEM CERTIFICATE block is not valid base64");
  }
}
