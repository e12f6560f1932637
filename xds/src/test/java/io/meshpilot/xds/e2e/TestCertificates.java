package io.meshpilot.xds.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test certificates made with the JDK's own {@code keytool} (the JDK has no API for issuing
 * certificates): a CA and the server and client certificates it issues, written as the PEM files a
 * cert-manager Secret holds.
 */
public final class TestCertificates {
  private static final String PASSWORD = "changeit";
  private static final AtomicInteger COUNTER = new AtomicInteger();

  /** The key type of an issued certificate. */
  public enum KeyType { EC, RSA }

  /** A certificate and its private key. */
  public record Issued(X509Certificate certificate, PrivateKey key) {
    public BigInteger serial() {
      return certificate.getSerialNumber();
    }

    public String certificatePem() {
      return pem("CERTIFICATE", encoded(certificate));
    }

    /** The key as PKCS#8 ({@code PRIVATE KEY}). */
    public String keyPem() {
      return pem("PRIVATE KEY", key.getEncoded());
    }

    /** Writes the certificate and the PKCS#8 key. */
    public void writeTo(Path certFile, Path keyFile) {
      write(certFile, certificatePem());
      write(keyFile, keyPem());
    }
  }

  /** A CA: self-signed, in a PKCS#12 store under its directory, issuing certificates with keytool. */
  public record Authority(Path dir, Path keystore, X509Certificate certificate) {
    public String certificatePem() {
      return pem("CERTIFICATE", encoded(certificate));
    }

    /**
     * A certificate for {@code commonName}, valid for server and client authentication, with the
     * given subject alternative names (keytool syntax: {@code ip:127.0.0.1}, {@code dns:localhost}).
     */
    public Issued issue(String commonName, KeyType type, String... subjectAltNames) {
      Path store = dir.resolve("leaf-" + COUNTER.incrementAndGet() + ".p12");
      Path csr = dir.resolve(store.getFileName() + ".csr");
      Path pem = dir.resolve(store.getFileName() + ".pem");
      keytool(keyPair(store, "leaf", "CN=" + commonName, type));
      keytool(List.of("-certreq", "-keystore", store.toString(), "-storepass", PASSWORD, "-alias", "leaf",
          "-file", csr.toString()));
      List<String> gencert = new ArrayList<>(List.of("-gencert", "-keystore", keystore.toString(),
          "-storepass", PASSWORD, "-alias", "ca", "-infile", csr.toString(), "-outfile", pem.toString(),
          "-rfc", "-validity", "2", "-ext", "EKU=serverAuth,clientAuth",
          "-ext", type == KeyType.RSA ? "KU=digitalSignature,keyEncipherment" : "KU=digitalSignature"));
      if (subjectAltNames.length > 0) {
        gencert.addAll(List.of("-ext", "SAN=" + String.join(",", subjectAltNames)));
      }
      keytool(gencert);
      try {
        return new Issued(readCertificate(pem), (PrivateKey) load(store).getKey("leaf", PASSWORD.toCharArray()));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("cannot read the key keytool made in " + store, e);
      }
    }

    /** A server certificate for 127.0.0.1 and localhost. */
    public Issued issueServer(KeyType type) {
      return issue("meshpilot.istio-system.svc", type, "ip:127.0.0.1", "dns:localhost",
          "dns:meshpilot.istio-system.svc");
    }
  }

  private TestCertificates() {}

  /** A new CA with its files under {@code dir}. */
  public static Authority authority(Path dir, String name) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path store = dir.resolve("ca-" + COUNTER.incrementAndGet() + ".p12");
    List<String> args = new ArrayList<>(keyPair(store, "ca", "CN=" + name, KeyType.EC));
    args.addAll(List.of("-ext", "bc:c", "-ext", "KU=keyCertSign,cRLSign"));
    keytool(args);
    try {
      return new Authority(dir, store, (X509Certificate) load(store).getCertificate("ca"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot read the CA keytool made in " + store, e);
    }
  }

  private static List<String> keyPair(Path store, String alias, String dname, KeyType type) {
    List<String> args = new ArrayList<>(List.of("-genkeypair", "-keystore", store.toString(), "-storetype", "PKCS12",
        "-storepass", PASSWORD, "-alias", alias, "-dname", dname, "-validity", "2"));
    args.addAll(type == KeyType.EC ? List.of("-keyalg", "EC", "-groupname", "secp256r1")
        : List.of("-keyalg", "RSA", "-keysize", "2048"));
    return args;
  }

  private static void keytool(List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(args);
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("keytool failed: " + String.join(" ", command) + "\n" + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run keytool", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running keytool", e);
    }
  }

  private static KeyStore load(Path store) throws GeneralSecurityException {
    try (InputStream in = Files.newInputStream(store)) {
      KeyStore keyStore = KeyStore.getInstance("PKCS12");
      keyStore.load(in, PASSWORD.toCharArray());
      return keyStore;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static X509Certificate readCertificate(Path pem) {
    try (InputStream in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("keytool wrote no certificate to " + pem, e);
    }
  }

  private static byte[] encoded(X509Certificate certificate) {
    try {
      return certificate.getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(der) + "\n-----END " + type + "-----\n";
  }

  static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
