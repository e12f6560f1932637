package io.meshpilot.xds.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshpilot.xds.e2e.TestCertificates;
import io.meshpilot.xds.e2e.TestCertificates.Authority;
import io.meshpilot.xds.e2e.TestCertificates.Issued;
import io.meshpilot.xds.e2e.TestCertificates.KeyType;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.interfaces.ECPrivateKey;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PEM keys in the encodings cert-manager and openssl write. */
class PemFilesTest {
  @TempDir static Path dir;
  private static Issued rsa;
  private static Issued ec;

  @BeforeAll
  static void issue() {
    Authority ca = TestCertificates.authority(dir, "pem-test-ca");
    rsa = ca.issueServer(KeyType.RSA);
    ec = ca.issueServer(KeyType.EC);
  }

  @Test
  void readsPkcs8RsaAndEcKeys() throws GeneralSecurityException {
    assertThat(PemFiles.privateKey(bytes(rsa.keyPem()))).isEqualTo(rsa.key());
    assertThat(PemFiles.privateKey(bytes(ec.keyPem()))).isEqualTo(ec.key());
  }

  @Test
  void readsPkcs1RsaKeysAsCertManagerWritesThemByDefault() throws GeneralSecurityException {
    // PKCS#8's PrivateKeyInfo wraps the PKCS#1 RSAPrivateKey as its last element, an OCTET STRING.
    byte[] pkcs8 = rsa.key().getEncoded();
    byte[] pkcs1 = lastElementContent(pkcs8);
    String pem = pem("RSA PRIVATE KEY", pkcs1);

    assertThat(PemFiles.privateKey(bytes(pem))).isEqualTo(rsa.key());
  }

  @Test
  void readsSec1EcKeysWithTheirNamedCurve() throws GeneralSecurityException {
    byte[] secret = unsigned32(((ECPrivateKey) ec.key()).getS().toByteArray());
    ByteArrayOutputStream sec1 = new ByteArrayOutputStream();
    sec1.writeBytes(new byte[] {0x30, 0x31, 0x02, 0x01, 0x01, 0x04, 0x20});
    sec1.writeBytes(secret);
    // [0] prime256v1
    sec1.writeBytes(new byte[] {(byte) 0xa0, 0x0a, 0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x03, 0x01, 0x07});

    ECPrivateKey read = (ECPrivateKey) PemFiles.privateKey(bytes(pem("EC PRIVATE KEY", sec1.toByteArray())));

    assertThat(read.getS()).isEqualTo(((ECPrivateKey) ec.key()).getS());
  }

  @Test
  void refusesEncryptedKeysSayingSo() {
    assertThatThrownBy(() -> PemFiles.privateKey(bytes(pem("ENCRYPTED PRIVATE KEY", new byte[] {1, 2, 3}))))
        .hasMessageContaining("encrypted");
  }

  @Test
  void readsEveryCertificateOfAChainInOrder() throws Exception {
    String chain = rsa.certificatePem() + ec.certificatePem();

    assertThat(PemFiles.certificates(bytes(chain))).containsExactly(rsa.certificate(), ec.certificate());
  }

  @Test
  void aKeyOfAnotherCertificateIsRejectedNamingTheFiles() {
    XdsTlsOptions options = XdsTlsOptions.of(new java.net.InetSocketAddress(0), Path.of("tls.crt"), Path.of("tls.key"));
    TlsMaterial.Contents contents = new TlsMaterial.Contents(bytes(rsa.certificatePem()), bytes(ec.keyPem()),
        new byte[0]);

    assertThatThrownBy(() -> TlsMaterial.parse(options, contents))
        .hasMessageContaining("tls.key is not the key of the certificate in tls.crt");
  }

  private static byte[] lastElementContent(byte[] der) {
    int at = 2 + ((der[1] & 0x80) != 0 ? der[1] & 0x7f : 0);
    int start = -1;
    int length = -1;
    while (at < der.length) {
      int first = der[at + 1] & 0xff;
      int header = 2 + (first < 0x80 ? 0 : first & 0x7f);
      int len = first;
      if (first >= 0x80) {
        len = 0;
        for (int i = 0; i < (first & 0x7f); i++) {
          len = (len << 8) | (der[at + 2 + i] & 0xff);
        }
      }
      start = at + header;
      length = len;
      at = start + len;
    }
    return Arrays.copyOfRange(der, start, start + length);
  }

  private static byte[] unsigned32(byte[] value) {
    byte[] out = new byte[32];
    int copy = Math.min(32, value.length);
    System.arraycopy(value, value.length - copy, out, 32 - copy, copy);
    return out;
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder().encodeToString(der) + "\n-----END " + type
        + "-----\n";
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void corruptOrTruncatedPemFailsOnlyWithASecurityExceptionSayingWhy() {
    for (String pem : new String[] {rsa.keyPem(), ec.keyPem(), rsa.certificatePem(), pkcs1Pem(), sec1Pem()}) {
      int bodyStart = pem.indexOf('\n') + 1;
      int bodyEnd = pem.indexOf("-----END");
      for (int at = bodyStart; at < bodyEnd; at += 5) {
        String footer = pem.substring(bodyEnd);
        String header = pem.substring(0, bodyStart);
        readsOrRefuses(header + pem.substring(bodyStart, at) + "\n" + footer); // cut short
        char flipped = pem.charAt(at) == 'A' ? 'z' : 'A';
        readsOrRefuses(pem.substring(0, at) + flipped + pem.substring(at + 1)); // one character wrong
      }
    }
  }

  private static void readsOrRefuses(String pem) {
    try {
      if (pem.contains("CERTIFICATE")) {
        PemFiles.certificates(bytes(pem));
      } else {
        PemFiles.privateKey(bytes(pem));
      }
    } catch (GeneralSecurityException e) {
      assertThat(e.getMessage()).isNotBlank();
    }
  }

  private static String pkcs1Pem() {
    return pem("RSA PRIVATE KEY", lastElementContent(rsa.key().getEncoded()));
  }

  private static String sec1Pem() {
    byte[] secret = unsigned32(((ECPrivateKey) ec.key()).getS().toByteArray());
    ByteArrayOutputStream sec1 = new ByteArrayOutputStream();
    sec1.writeBytes(new byte[] {0x30, 0x31, 0x02, 0x01, 0x01, 0x04, 0x20});
    sec1.writeBytes(secret);
    sec1.writeBytes(new byte[] {(byte) 0xa0, 0x0a, 0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x03, 0x01, 0x07});
    return pem("EC PRIVATE KEY", sec1.toByteArray());
  }
}
