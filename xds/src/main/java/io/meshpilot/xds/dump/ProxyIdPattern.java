package io.meshpilot.xds.dump;

import io.meshpilot.xds.server.ProxySyncState;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A debug caller's {@code ?proxyID=} value. Plain text matches as istiod does it: a connection
 * whose id ({@code <pod>.<ns>-<counter>}) contains the text. Text with {@code *} or {@code ?} is a
 * glob that must match the whole proxy id ({@code <pod>.<ns>}) or the whole connection id.
 *
 * @param text the value as given
 */
public record ProxyIdPattern(String text) {
  public ProxyIdPattern {
    Objects.requireNonNull(text, "text");
  }

  /** True if the text is a glob (contains {@code *} or {@code ?}). */
  public boolean glob() {
    return text.indexOf('*') >= 0 || text.indexOf('?') >= 0;
  }

  /** True if this pattern names the connection. */
  public boolean matches(ProxySyncState proxy) {
    if (!glob()) {
      return proxy.connectionId().contains(text);
    }
    Pattern regex = toRegex(text);
    return regex.matcher(proxy.proxy().id()).matches() || regex.matcher(proxy.connectionId()).matches();
  }

  private static Pattern toRegex(String glob) {
    StringBuilder regex = new StringBuilder(glob.length() + 8);
    StringBuilder literal = new StringBuilder();
    for (char c : glob.toCharArray()) {
      if (c == '*' || c == '?') {
        if (!literal.isEmpty()) {
          regex.append(Pattern.quote(literal.toString()));
          literal.setLength(0);
        }
        regex.append(c == '*' ? ".*" : ".");
      } else {
        literal.append(c);
      }
    }
    if (!literal.isEmpty()) {
      regex.append(Pattern.quote(literal.toString()));
    }
    return Pattern.compile(regex.toString(), Pattern.DOTALL);
  }
}
