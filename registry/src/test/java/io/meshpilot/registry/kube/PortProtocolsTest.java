package io.meshpilot.registry.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshpilot.registry.model.Protocol;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PortProtocolsTest {
  @ParameterizedTest(name = "{0} name={1} appProtocol={2} port={3} -> {4}")
  @CsvSource(nullValues = "null", textBlock = """
      # UDP wins over everything
      UDP,  http-web,   null,                 80,    UDP
      UDP,  null,       kubernetes.io/h2c,    80,    UDP
      UDP,  dns,        null,                 53,    UDP
      # appProtocol replaces the name; the three kubernetes.io values map directly
      TCP,  http,       kubernetes.io/h2c,    80,    HTTP2
      TCP,  tcp,        kubernetes.io/ws,     80,    HTTP
      TCP,  http,       kubernetes.io/wss,    443,   HTTPS
      TCP,  http,       grpc,                 80,    GRPC
      TCP,  http,       mysql,                80,    MYSQL
      TCP,  http-x,     unknown,              8080,  UnsupportedProtocol
      TCP,  http,       '',                   80,    HTTP
      # grpc-web prefix, before the cut at '-'
      TCP,  grpc-web,   null,                 80,    GRPC_WEB
      TCP,  GRPC-Web-x, null,                 80,    GRPC_WEB
      TCP,  x,          grpc-web,             80,    GRPC_WEB
      # prefix before the first '-', case-insensitive
      TCP,  http,       null,                 80,    HTTP
      TCP,  http-foo,   null,                 80,    HTTP
      TCP,  HTTP-foo,   null,                 80,    HTTP
      TCP,  httpfoo,    null,                 80,    UnsupportedProtocol
      TCP,  http2-x,    null,                 80,    HTTP2
      TCP,  https-x,    null,                 443,   HTTPS
      TCP,  grpc-x,     null,                 80,    GRPC
      TCP,  tcp-db,     null,                 80,    TCP
      TCP,  tls-x,      null,                 443,   TLS
      TCP,  udp-x,      null,                 80,    UDP
      TCP,  mongo-x,    null,                 80,    MONGO
      TCP,  redis,      null,                 6379,  REDIS
      TCP,  mysql-x,    null,                 80,    MYSQL
      TCP,  http_proxy, null,                 80,    HTTP_PROXY
      null, http,       null,                 80,    HTTP
      # well-known ports fall back to TCP, only when nothing was detected
      TCP,  '',         null,                 25,    TCP
      TCP,  smtp,       null,                 25,    TCP
      TCP,  null,       null,                 53,    TCP
      TCP,  db,         null,                 3306,  TCP
      TCP,  mongo,      null,                 3306,  MONGO
      TCP,  x,          null,                 27017, TCP
      SCTP, x,          null,                 27017, TCP
      # otherwise unsupported (sniffed at runtime)
      TCP,  '',         null,                 8080,  UnsupportedProtocol
      TCP,  web,        null,                 8080,  UnsupportedProtocol
      """)
  void detectsTheProtocolAsIstiodDoes(String k8sProtocol, String name, String appProtocol, int port, String expected) {
    Protocol want = expected.equals("UnsupportedProtocol") ? Protocol.UNSUPPORTED : Protocol.valueOf(expected);
    assertThat(PortProtocols.fromKubernetes(k8sProtocol, name, appProtocol, port)).isEqualTo(want);
  }
}
