package io.meshpilot.xds.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Optional;

/**
 * One consistent set of TLS files as read from disk: the server chain and key (checked to belong
 * together) and the optional client CA bundle. The raw bytes are kept so a reload can tell whether
 * anything changed.
 */
record TlsMaterial(X509Certificate[] chain, PrivateKey key, Optional<X509Certificate[]> clientCas,
    Contents contents) {

  /** The bytes the material was read from. */
  record Contents(byte[] cert, byte[] key, byte[] clientCa) {
    static Contents read(XdsTlsOptions options) throws IOException {
      return new Contents(Files.readAllBytes(options.certFile()), Files.readAllBytes(options.keyFile()),
          options.clientCaFile().isPresent() ? Files.readAllBytes(options.clientCaFile().get()) : new byte[0]);
    }

    boolean sameAs(Contents other) {
      return other != null && Arrays.equals(cert, other.cert) && Arrays.equals(key, other.key)
          && Arrays.equals(clientCa, other.clientCa);
    }
  }

  /**
   * Parses the files' contents.
   *
   * @throws GeneralSecurityException naming the file that is wrong and why
   */
  static TlsMaterial parse(XdsTlsOptions options, Contents contents) throws GeneralSecurityException {
    X509Certificate[] chain = certificates(options.certFile(), contents.cert());
    PrivateKey key;
    try {
      key = PemFiles.privateKey(contents.key());
    } catch (GeneralSecurityException e) {
      throw new GeneralSecurityException(options.keyFile() + ": " + e.getMessage());
    }
    if (!belongTogether(key, chain[0])) {
      throw new GeneralSecurityException(options.keyFile() + " is not the key of the certificate in "
          + options.certFile() + " (" + describe(chain[0]) + ")");
    }
    Optional<X509Certificate[]> cas = options.clientCaFile().isEmpty() ? Optional.empty()
        : Optional.of(certificates(options.clientCaFile().get(), contents.clientCa()));
    return new TlsMaterial(chain, key, cas, contents);
  }

  /** Subject, serial and expiry of the leaf, for one log line. */
  String describe() {
    return describe(chain[0]);
  }

  static String describe(X509Certificate certificate) {
    return "subject \"" + certificate.getSubjectX500Principal().getName() + "\", serial "
        + certificate.getSerialNumber().toString(16) + ", expires " + certificate.getNotAfter().toInstant();
  }

  private static X509Certificate[] certificates(Path file, byte[] pem) throws CertificateException {
    try {
      return PemFiles.certificates(pem);
    } catch (CertificateException e) {
      throw new CertificateException(file + ": " + e.getMessage());
    }
  }

  /** Signs a random challenge with the key and verifies it with the certificate's public key. */
  private static boolean belongTogether(PrivateKey key, X509Certificate certificate) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      default -> key.getAlgorithm();
    };
    try {
      byte[] challenge = new byte[32];
      new SecureRandom().nextBytes(challenge);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
