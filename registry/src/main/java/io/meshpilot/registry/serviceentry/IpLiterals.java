package io.meshpilot.registry.serviceentry;

import java.util.Optional;

/**
 * Parses IP addresses and CIDR prefixes without any name lookup, with the strictness of Go's
 * {@code net/netip} (which istiod uses): dotted-quad IPv4 without leading zeros, IPv6 with at most one
 * {@code ::}, an optional embedded IPv4 tail and (for plain addresses only) a {@code %zone}. The one
 * IP parser of the program: ServiceEntry validation here, node metadata in xds.
 */
public final class IpLiterals {
  private IpLiterals() {}

  /** A parsed CIDR prefix. */
  record Cidr(byte[] address, int bits) {
    /** True when the prefix covers a single address ({@code /32} or {@code /128}). */
    boolean isFullLength() {
      return bits == address.length * 8;
    }

    /** The address part in canonical form ({@code 2001:db8::1}, {@code 10.0.0.1}). */
    String addressString() {
      return format(address);
    }
  }

  /** True when {@code value} is an IPv4 or IPv6 address (not a prefix); never resolves a name. */
  public static boolean isIp(String value) {
    if (value.indexOf(':') >= 0) {
      int percent = value.indexOf('%');
      if (percent >= 0) {
        if (percent == value.length() - 1) {
          return false;
        }
        value = value.substring(0, percent);
      }
      return parseV6(value) != null;
    }
    return parseV4(value) != null;
  }

  /**
   * The canonical text of an IP address, as Go's {@code netip.Addr.String} prints it
   * ({@code fd00::a} for {@code FD00:0::A}; a zone is kept); empty when {@code value} is not one.
   * Two spellings of one address are one socket address to Envoy.
   */
  public static Optional<String> canonical(String value) {
    if (!isIp(value)) {
      return Optional.empty();
    }
    int percent = value.indexOf('%');
    String zone = percent >= 0 ? value.substring(percent) : "";
    String address = percent >= 0 ? value.substring(0, percent) : value;
    byte[] bytes = address.indexOf(':') >= 0 ? parseV6(address) : parseV4(address);
    return Optional.of(format(bytes) + zone);
  }

  /** Parses {@code address/bits}; empty when it is not a valid prefix. */
  static Optional<Cidr> parseCidr(String value) {
    int slash = value.lastIndexOf('/');
    if (slash < 0) {
      return Optional.empty();
    }
    String addr = value.substring(0, slash);
    String bitsText = value.substring(slash + 1);
    if (addr.indexOf('%') >= 0) {
      return Optional.empty();
    }
    byte[] bytes = addr.indexOf(':') >= 0 ? parseV6(addr) : parseV4(addr);
    if (bytes == null || !isCanonicalDecimal(bitsText, 3)) {
      return Optional.empty();
    }
    int bits = Integer.parseInt(bitsText);
    if (bits > bytes.length * 8) {
      return Optional.empty();
    }
    return Optional.of(new Cidr(bytes, bits));
  }

  /** Formats 4 or 16 address bytes the way Go's {@code netip.Addr.String} does. */
  static String format(byte[] ip) {
    if (ip.length == 4) {
      return formatV4(ip, 0);
    }
    if (isV4InV6(ip)) {
      return "::ffff:" + formatV4(ip, 12);
    }
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((ip[2 * i] & 0xff) << 8) | (ip[2 * i + 1] & 0xff);
    }
    // compress the first longest run of at least two zero groups
    int zeroStart = -1;
    int zeroEnd = -1;
    for (int i = 0; i < 8; i++) {
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i >= 2 && j - i > zeroEnd - zeroStart) {
        zeroStart = i;
        zeroEnd = j;
      }
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == zeroStart) {
        out.append("::");
        i = zeroEnd;
        if (i >= 8) {
          break;
        }
      } else if (i > 0) {
        out.append(':');
      }
      out.append(Integer.toHexString(groups[i]));
    }
    return out.toString();
  }

  private static boolean isV4InV6(byte[] ip) {
    for (int i = 0; i < 10; i++) {
      if (ip[i] != 0) {
        return false;
      }
    }
    return (ip[10] & 0xff) == 0xff && (ip[11] & 0xff) == 0xff;
  }

  private static String formatV4(byte[] ip, int offset) {
    return (ip[offset] & 0xff) + "." + (ip[offset + 1] & 0xff) + "." + (ip[offset + 2] & 0xff) + "."
        + (ip[offset + 3] & 0xff);
  }

  private static boolean isCanonicalDecimal(String text, int maxDigits) {
    if (text.isEmpty() || text.length() > maxDigits) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) < '0' || text.charAt(i) > '9') {
        return false;
      }
    }
    return text.length() == 1 || text.charAt(0) != '0';
  }

  static byte[] parseV4(String value) {
    String[] fields = value.split("\\.", -1);
    if (fields.length != 4) {
      return null;
    }
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      if (!isCanonicalDecimal(fields[i], 3)) {
        return null;
      }
      int octet = Integer.parseInt(fields[i]);
      if (octet > 255) {
        return null;
      }
      out[i] = (byte) octet;
    }
    return out;
  }

  static byte[] parseV6(String s) {
    byte[] ip = new byte[16];
    int ellipsis = -1;
    int i = 0;
    int pos = 0;
    int len = s.length();
    if (s.startsWith("::")) {
      ellipsis = 0;
      pos = 2;
      if (pos == len) {
        return ip;
      }
    }
    while (i < 16) {
      int start = pos;
      int group = 0;
      while (pos < len && Character.digit(s.charAt(pos), 16) >= 0 && s.charAt(pos) < 128) {
        group = group * 16 + Character.digit(s.charAt(pos), 16);
        pos++;
        if (pos - start > 4) {
          return null;
        }
      }
      if (pos == start) {
        return null;
      }
      if (pos < len && s.charAt(pos) == '.') {
        // an embedded IPv4 address must take the last 32 bits
        if ((ellipsis < 0 && i != 12) || i + 4 > 16) {
          return null;
        }
        byte[] v4 = parseV4(s.substring(start));
        if (v4 == null) {
          return null;
        }
        System.arraycopy(v4, 0, ip, i, 4);
        i += 4;
        pos = len;
        break;
      }
      ip[i] = (byte) (group >> 8);
      ip[i + 1] = (byte) group;
      i += 2;
      if (pos == len) {
        break;
      }
      if (s.charAt(pos) != ':' || pos + 1 == len) {
        return null;
      }
      pos++;
      if (s.charAt(pos) == ':') {
        if (ellipsis >= 0) {
          return null;
        }
        ellipsis = i;
        pos++;
        if (pos == len) {
          break;
        }
      }
    }
    if (pos != len) {
      return null;
    }
    if (i < 16) {
      if (ellipsis < 0) {
        return null;
      }
      int shift = 16 - i;
      for (int j = i - 1; j >= ellipsis; j--) {
        ip[j + shift] = ip[j];
      }
      for (int j = ellipsis; j < ellipsis + shift; j++) {
        ip[j] = 0;
      }
    } else if (ellipsis >= 0) {
      // "::" must stand for at least one zero group
      return null;
    }
    return ip;
  }
}
