package io.meshpilot.xds.auth;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Captures, for each xDS call, what its caller presented ({@link CallerCredentials}: TLS or not,
 * the {@code authorization: Bearer} token, the client certificate's URI SANs) into the gRPC
 * {@link Context} under {@link #CREDENTIALS}, where the stream's first request is authenticated
 * (see {@link XdsAuthenticator}). Decides nothing itself.
 */
public final class XdsAuthInterceptor implements ServerInterceptor {
  /** The calling stream's credentials, in the context of every request it sends. */
  public static final Context.Key<CallerCredentials> CREDENTIALS = Context.key("meshpilot-xds-caller-credentials");
  static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final int URI_SAN = 6;
  private static final String BEARER = "bearer ";

  /** The credentials of the stream whose request is being handled on this thread; plaintext-and-nothing if none. */
  public static CallerCredentials current() {
    return Optional.ofNullable(CREDENTIALS.get()).orElse(CallerCredentials.PLAINTEXT);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    CallerCredentials credentials = new CallerCredentials(session != null, bearerToken(headers),
        session == null ? List.of() : certificateUris(session));
    return Contexts.interceptCall(Context.current().withValue(CREDENTIALS, credentials), call, headers, next);
  }

  /** The token of an {@code authorization: Bearer <token>} header (scheme case-insensitive). */
  static Optional<String> bearerToken(Metadata headers) {
    String value = headers.get(AUTHORIZATION);
    if (value == null || value.length() <= BEARER.length()
        || !value.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return Optional.empty();
    }
    String token = value.substring(BEARER.length()).trim();
    return token.isEmpty() ? Optional.empty() : Optional.of(token);
  }

  /** URI SANs of the peer's leaf certificate; none if it sent no (verified) certificate. */
  static List<String> certificateUris(SSLSession session) {
    Certificate[] chain;
    try {
      chain = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return List.of();
    }
    if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
      return List.of();
    }
    return uris(leaf);
  }

  static List<String> uris(X509Certificate certificate) {
    Collection<List<?>> names;
    try {
      names = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return List.of();
    }
    List<String> uris = new ArrayList<>();
    if (names != null) {
      for (List<?> name : names) {
        if (name.size() == 2 && name.get(0) instanceof Integer type && type == URI_SAN
            && name.get(1) instanceof String uri) {
          uris.add(uri);
        }
      }
    }
    return uris;
  }
}
