package io.meshpilot.xds.server;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads PEM certificates and private keys as cert-manager and openssl write them: keys in PKCS#8
 * ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}, cert-manager's default) or SEC1
 * ({@code EC PRIVATE KEY}, with its named curve), without BouncyCastle. Whatever the bytes, the
 * only failure is a {@link GeneralSecurityException} saying what is wrong: files being rewritten
 * are read here, and a runtime exception would end the thread that follows them.
 */
final class PemFiles {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");
  private static final byte[] RSA_ALGORITHM = der(0x30, concat(
      der(0x06, new byte[] {0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01}),
      new byte[] {0x05, 0x00}));
  private static final byte[] EC_PUBLIC_KEY_OID =
      der(0x06, new byte[] {0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01});

  private PemFiles() {}

  /** Every certificate in the text, leaf first as written. */
  static X509Certificate[] certificates(byte[] pem) throws CertificateException {
    List<X509Certificate> out = new ArrayList<>();
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    Matcher block = BLOCK.matcher(new String(pem, StandardCharsets.US_ASCII));
    while (block.find()) {
      if (block.group(1).equals("CERTIFICATE")) {
        byte[] der = decode(block);
        try {
          out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
        } catch (RuntimeException e) {
          // the JDK's DER reader throws unchecked exceptions on some malformed input
          throw new CertificateException("PEM CERTIFICATE block " + (out.size() + 1) + " is not a valid certificate");
        }
      }
    }
    if (out.isEmpty()) {
      throw new CertificateException("no PEM CERTIFICATE block");
    }
    return out.toArray(X509Certificate[]::new);
  }

  /** The first private key in the text. */
  static PrivateKey privateKey(byte[] pem) throws GeneralSecurityException {
    Matcher block = BLOCK.matcher(new String(pem, StandardCharsets.US_ASCII));
    while (block.find()) {
      switch (block.group(1)) {
        case "PRIVATE KEY":
          return pkcs8(decode(block), "RSA", "EC", "Ed25519");
        case "RSA PRIVATE KEY":
          return pkcs8(der(0x30, concat(new byte[] {0x02, 0x01, 0x00}, RSA_ALGORITHM, der(0x04, decode(block)))), "RSA");
        case "EC PRIVATE KEY":
          byte[] sec1 = decode(block);
          byte[] algorithm = der(0x30, concat(EC_PUBLIC_KEY_OID, namedCurve(sec1)));
          return pkcs8(der(0x30, concat(new byte[] {0x02, 0x01, 0x00}, algorithm, der(0x04, sec1))), "EC");
        case "ENCRYPTED PRIVATE KEY":
          throw new InvalidKeySpecException("encrypted private keys are not supported");
        default:
          // certificates or parameters next to the key
      }
    }
    throw new InvalidKeySpecException("no PEM PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY block");
  }

  private static PrivateKey pkcs8(byte[] der, String... algorithms) throws InvalidKeySpecException {
    for (String algorithm : algorithms) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException | RuntimeException e) {
        // try the next algorithm
      }
    }
    throw new InvalidKeySpecException("not a readable " + String.join(", ", algorithms) + " private key");
  }

  /**
   * The curve OID (a complete DER TLV) from SEC1's ECPrivateKey: SEQUENCE { INTEGER 1, OCTET STRING,
   * [0] OID, [1] BIT STRING }.
   */
  private static byte[] namedCurve(byte[] sec1) throws InvalidKeySpecException {
    try {
      Der outer = new Der(sec1, 0);
      int at = outer.contentStart();
      Der version = new Der(sec1, at);
      Der secret = new Der(sec1, version.end());
      int next = secret.end();
      if (next < outer.end() && (sec1[next] & 0xff) == 0xa0) {
        Der parameters = new Der(sec1, next);
        Der oid = new Der(sec1, parameters.contentStart());
        if (sec1[oid.start] == 0x06) {
          return Arrays.copyOfRange(sec1, oid.start, oid.end());
        }
      }
    } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
      // lengths read from the bytes can point past the end or backwards
      throw new InvalidKeySpecException("EC PRIVATE KEY is not valid DER");
    }
    throw new InvalidKeySpecException("EC PRIVATE KEY has no named curve; write it as PKCS#8 (PRIVATE KEY)");
  }

  /** One DER element: tag at {@code start}, then its length, then its content. */
  private record Der(byte[] bytes, int start, int contentStart, int length) {
    Der(byte[] bytes, int start) {
      this(bytes, start, contentStartOf(bytes, start), lengthOf(bytes, start));
    }

    int end() {
      return contentStart + length;
    }

    private static int contentStartOf(byte[] bytes, int start) {
      int first = bytes[start + 1] & 0xff;
      return start + 2 + (first < 0x80 ? 0 : first & 0x7f);
    }

    private static int lengthOf(byte[] bytes, int start) {
      int first = bytes[start + 1] & 0xff;
      if (first < 0x80) {
        return first;
      }
      int length = 0;
      for (int i = 0; i < (first & 0x7f); i++) {
        length = (length << 8) | (bytes[start + 2 + i] & 0xff);
      }
      return length;
    }
  }

  private static byte[] decode(Matcher block) throws CertificateException {
    try {
      return Base64.getMimeDecoder().decode(block.group(2).replaceAll("[^A-Za-z0-9+/=]", ""));
    } catch (IllegalArgumentException e) {
      throw new CertificateException("PEM " + block.group(1) + " block is not valid base64 (" + e.getMessage() + ")");
    }
  }

  private static byte[] der(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int length = content.length;
    if (length < 0x80) {
      out.write(length);
    } else {
      int bytes = length > 0xffffff ? 4 : length > 0xffff ? 3 : length > 0xff ? 2 : 1;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write(length >>> (8 * i));
      }
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
