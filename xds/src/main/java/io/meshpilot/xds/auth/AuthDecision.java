package io.meshpilot.xds.auth;

import io.grpc.Status;
import java.util.List;
import java.util.Objects;

/** What {@link XdsAuthenticator} decided for one stream. */
public sealed interface AuthDecision {
  /**
   * The stream may proceed.
   *
   * @param identities the caller's authenticated identities; empty when nothing was checked
   *     (plaintext listener, {@code XDS_AUTH=false})
   */
  record Allowed(List<SpiffeIdentity> identities) implements AuthDecision {
    public Allowed {
      identities = List.copyOf(identities);
    }
  }

  /**
   * The stream is refused.
   *
   * @param code {@code UNAUTHENTICATED} (no valid credentials) or {@code PERMISSION_DENIED} (valid,
   *     but not for the node it claims to be)
   * @param reason what went wrong, for the caller and the log (never a token)
   */
  record Refused(Status.Code code, String reason) implements AuthDecision {
    public Refused {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(reason, "reason");
    }

    /** The gRPC status the stream is closed with. */
    public Status status() {
      return Status.fromCode(code).withDescription(reason);
    }
  }
}
