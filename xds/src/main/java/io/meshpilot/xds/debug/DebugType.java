package io.meshpilot.xds.debug;

import java.util.Optional;

/** The debug-over-xDS types meshpilot serves, by istiod's type URLs. */
public enum DebugType {
  /** One envoy.service.status.v3.ClientConfig per connected proxy (istioctl proxy-status). */
  SYNCZ("istio.io/debug/syncz"),
  /** The sections of one proxy's ConfigDump, named by the only resource name (istioctl proxy-status POD). */
  CONFIG_DUMP("istio.io/debug/config_dump");

  /** What every istiod debug type URL starts with ({@code istio.io/debug} itself is one too). */
  public static final String FAMILY = "istio.io/debug";

  private final String typeUrl;

  DebugType(String typeUrl) {
    this.typeUrl = typeUrl;
  }

  public String typeUrl() {
    return typeUrl;
  }

  /** The type for a type URL, if it is one meshpilot serves. */
  public static Optional<DebugType> ofTypeUrl(String typeUrl) {
    for (DebugType type : values()) {
      if (type.typeUrl.equals(typeUrl)) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }
}
