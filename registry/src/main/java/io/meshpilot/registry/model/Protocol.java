package io.meshpilot.registry.model;

import java.util.Locale;

/** An application protocol of a service port, spelled as istiod prints it (pkg/config/protocol). */
public enum Protocol {
  GRPC("GRPC"),
  GRPC_WEB("GRPC-Web"),
  HTTP("HTTP"),
  HTTP_PROXY("HTTP_PROXY"),
  HTTP2("HTTP2"),
  HTTPS("HTTPS"),
  TCP("TCP"),
  TLS("TLS"),
  UDP("UDP"),
  MONGO("Mongo"),
  REDIS("Redis"),
  MYSQL("MySQL"),
  UNSUPPORTED("UnsupportedProtocol");

  private final String wireName;

  Protocol(String wireName) {
    this.wireName = wireName;
  }

  /** The exact spelling istiod uses in JSON and logs. */
  public String wireName() {
    return wireName;
  }

  /**
   * Parses a whole protocol string case-insensitively, as istiod's {@code protocol.Parse} does;
   * anything unknown (including the empty string) is {@link #UNSUPPORTED}.
   */
  public static Protocol parse(String value) {
    if (value == null) {
      return UNSUPPORTED;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "tcp" -> TCP;
      case "udp" -> UDP;
      case "grpc" -> GRPC;
      case "grpc-web" -> GRPC_WEB;
      case "http" -> HTTP;
      case "http_proxy" -> HTTP_PROXY;
      case "http2" -> HTTP2;
      case "https" -> HTTPS;
      case "tls" -> TLS;
      case "mongo" -> MONGO;
      case "redis" -> REDIS;
      case "mysql" -> MYSQL;
      default -> UNSUPPORTED;
    };
  }

  /** HTTP-family protocols: HTTP, HTTP2, GRPC, GRPC-Web, HTTP_PROXY. */
  public boolean isHttp() {
    return this == HTTP || this == HTTP2 || this == GRPC || this == GRPC_WEB || this == HTTP_PROXY;
  }

  /** Protocols spoken over HTTP/2 as istiod counts them: HTTP2, GRPC, GRPC-Web. */
  public boolean isHttp2() {
    return this == HTTP2 || this == GRPC || this == GRPC_WEB;
  }

  /** TCP-family protocols as istiod counts them: TCP, HTTPS, TLS, Mongo, Redis, MySQL. */
  public boolean isTcp() {
    return this == TCP || this == HTTPS || this == TLS || this == MONGO || this == REDIS || this == MYSQL;
  }

  /** TLS-family protocols: HTTPS and TLS. */
  public boolean isTls() {
    return this == HTTPS || this == TLS;
  }

  /** True when the proxy must sniff the protocol at runtime. */
  public boolean isUnsupported() {
    return this == UNSUPPORTED;
  }
}
