package io.meshpilot.xds.server;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters behind istiod's xDS metrics: {@code pilot_xds_pushes{type}},
 * {@code pilot_total_xds_rejects{type}} and {@code pilot_xds_expired_nonce{type}}. The metrics
 * module reads them; this module has no metrics library.
 */
public final class XdsCounters {
  private final Map<XdsType, LongAdder> pushes = adders();
  private final Map<XdsType, LongAdder> rejects = adders();
  private final Map<XdsType, LongAdder> expiredNonces = adders();

  /** Responses sent for this type. */
  public long pushes(XdsType type) {
    return pushes.get(type).sum();
  }

  /** NACKs received for this type. */
  public long rejects(XdsType type) {
    return rejects.get(type).sum();
  }

  /** Requests for this type that carried a stale nonce. */
  public long expiredNonces(XdsType type) {
    return expiredNonces.get(type).sum();
  }

  void pushed(XdsType type) {
    pushes.get(type).increment();
  }

  void rejected(XdsType type) {
    rejects.get(type).increment();
  }

  void expiredNonce(XdsType type) {
    expiredNonces.get(type).increment();
  }

  private static Map<XdsType, LongAdder> adders() {
    Map<XdsType, LongAdder> map = new EnumMap<>(XdsType.class);
    for (XdsType type : XdsType.values()) {
      map.put(type, new LongAdder());
    }
    return map;
  }
}
