package io.meshpilot.xds.auth;

import io.meshpilot.xds.Knobs;
import java.util.Map;
import java.util.Objects;

/**
 * How xDS streams on the TLS listener are authenticated, istiod's knobs read once at startup.
 *
 * @param enabled {@code XDS_AUTH} (default true): TLS callers must present a client certificate with
 *     a SPIFFE identity or a bearer token that passes TokenReview; off, nobody is checked
 * @param identityCheck {@code PILOT_ENABLE_XDS_IDENTITY_CHECK} (default true): the node's namespace
 *     (and service account, when its metadata names one) must match an identity of the caller
 * @param trustDomain the mesh's trust domain, for identities made from reviewed tokens
 */
public record XdsAuthOptions(boolean enabled, boolean identityCheck, String trustDomain) {
  public XdsAuthOptions {
    Objects.requireNonNull(trustDomain, "trustDomain");
    if (trustDomain.isBlank()) {
      throw new IllegalArgumentException("trustDomain must not be blank");
    }
  }

  /** Both checks on, trust domain {@code cluster.local}. */
  public static XdsAuthOptions defaults() {
    return new XdsAuthOptions(true, true, "cluster.local");
  }

  /**
   * Reads {@code XDS_AUTH} and {@code PILOT_ENABLE_XDS_IDENTITY_CHECK} from {@code env}.
   *
   * @throws IllegalArgumentException if either is set to something Go's strconv.ParseBool refuses
   */
  public static XdsAuthOptions fromEnvironment(Map<String, String> env, String trustDomain) {
    return new XdsAuthOptions(Knobs.bool(env, "XDS_AUTH", true),
        Knobs.bool(env, "PILOT_ENABLE_XDS_IDENTITY_CHECK", true),
        trustDomain);
  }
}
