package io.meshpilot.registry.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshpilot.registry.networking.IstioKind;
import io.meshpilot.registry.validation.Validation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** istiod's Sidecar rules, one per case: the spec (YAML flow style) and the error it must give. */
class SidecarValidatorTest {

  private static Validation validate(String spec) {
    return Specs.validate(IstioKind.SIDECAR, spec);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "{egress: [{hosts: ['./*', 'istio-system/*']}]}",
      "{egress: [{hosts: ['*/*']}]}",
      "{egress: [{hosts: ['~/*']}]}",
      "{egress: [{hosts: ['prod/*.example.com', './reviews.shop.svc.cluster.local']}]}",
      "{workloadSelector: {labels: {app: ratings}}, egress: [{port: {number: 9080, protocol: HTTP, name: http}, hosts: ['./*']}, {hosts: ['istio-system/*']}]}",
      "{egress: [{port: {number: 0, protocol: HTTP}, bind: 'unix:///var/run/app.sock', hosts: ['./*']}]}",
      "{ingress: [{port: {number: 9080, protocol: HTTP, name: http}, defaultEndpoint: '127.0.0.1:8080'}]}",
      "{ingress: [{port: {number: 9080, protocol: HTTP}, defaultEndpoint: 'unix:///var/run/app.sock'}]}",
      "{outboundTrafficPolicy: {mode: REGISTRY_ONLY}}",
      "{outboundTrafficPolicy: {mode: ALLOW_ANY, egressProxy: {host: egress.istio-system.svc.cluster.local, port: {number: 443}}}}",
      "{inboundConnectionPool: {http: {http1MaxPendingRequests: 100}}}",
      "{ingress: [{port: {number: 8443, protocol: HTTPS, name: https}, defaultEndpoint: '127.0.0.1:8080', tls: {mode: SIMPLE, serverCertificate: /etc/certs/cert.pem, privateKey: /etc/certs/key.pem}}]}",
      "{ingress: [{port: {number: 8443, protocol: TLS}, tls: {mode: MUTUAL, serverCertificate: /c.pem, privateKey: /k.pem, caCertificates: /ca.pem, caCrl: /crl.pem}}]}",
  })
  void accepts(String spec) {
    assertThat(validate(spec).errors()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      something must be configured         | {workloadSelector: {labels: {app: a}}}                               | spec: sidecar: empty configuration provided
      egress listeners name hosts          | {egress: [{port: {number: 80, protocol: HTTP}}]}                      | spec.egress[0].hosts: sidecar: egress listener must contain at least one host
      hosts are namespace/dnsName          | {egress: [{hosts: [reviews.shop.svc.cluster.local]}]}                 | host must be of form namespace/dnsName
      hosts are not short names            | {egress: [{hosts: [shop/reviews]}]}                                   | short names (non FQDN) are not allowed
      host namespaces are labels           | {egress: [{hosts: ['Bad_Ns/*']}]}                                     | invalid namespace value "Bad_Ns" in sidecar
      host parts are not empty             | {egress: [{hosts: ['/*']}]}                                           | config namespace and dnsName in host entry cannot be empty
      partial wildcards are refused        | {egress: [{hosts: ['shop/re*.example.com']}]}                         | spec.egress[0].hosts[0]: domain name "re*.example.com" invalid
      the catch-all listener is last       | {egress: [{hosts: ['./*']}, {port: {number: 80, protocol: HTTP}, hosts: ['./*']}]} | sidecar: the egress listener with empty port should be the last listener in the list
      one catch-all listener               | {egress: [{hosts: ['./*']}, {hosts: ['./*']}]}                        | spec.egress[0]: sidecar: the egress listener with empty port should be the last listener
      egress ports are unique              | {egress: [{port: {number: 80, protocol: HTTP}, hosts: ['./*']}, {port: {number: 80, protocol: TCP}, hosts: ['./*']}]} | spec.egress[1].port: sidecar: ports on IP bound listeners must be unique
      egress ports have a protocol         | {egress: [{port: {number: 80, protocol: SPDY}, hosts: ['./*']}]}      | spec.egress[0].port.protocol: unrecognized protocol "SPDY"
      port names are labels                | {egress: [{port: {number: 80, protocol: HTTP, name: Bad_Name}, hosts: ['./*']}]} | spec.egress[0].port.name: invalid port name: Bad_Name
      egress binds are IPs                 | {egress: [{port: {number: 80, protocol: HTTP}, bind: localhost, hosts: ['./*']}]} | spec.egress[0].bind: localhost is not a valid IP
      port 0 binds a unix socket           | {egress: [{port: {number: 0, protocol: HTTP}, bind: 127.0.0.1, hosts: ['./*']}]} | sidecar: ports with 0 value must have a unix domain socket bind address
      unix sockets are unique              | {egress: [{port: {number: 0, protocol: HTTP}, bind: 'unix:///a', hosts: ['./*']}, {port: {number: 0, protocol: HTTP}, bind: 'unix:///a', hosts: ['./*']}]} | sidecar: unix domain socket values for listeners must be unique
      targetPort has no effect             | {egress: [{port: {number: 80, protocol: HTTP, targetPort: 8080}, hosts: ['./*']}]} | targetPort has no impact on Sidecars
      ingress listeners need a port        | {ingress: [{defaultEndpoint: '127.0.0.1:8080'}]}                      | spec.ingress[0].port: sidecar: port is required for ingress listeners
      ingress ports are unique             | {ingress: [{port: {number: 80, protocol: HTTP}}, {port: {number: 80, protocol: HTTP}}]} | spec.ingress[1].port: sidecar: ports on IP bound listeners must be unique
      ingress ports are in range           | {ingress: [{port: {number: 0, protocol: HTTP}}]}                      | spec.ingress[0].port.number: port number 0 must be in the range 1..65535
      default endpoints are loopback       | {ingress: [{port: {number: 80, protocol: HTTP}, defaultEndpoint: '10.0.0.1:8080'}]} | sidecar: defaultEndpoint must be of form 127.0.0.1:<port>
      default endpoint ports are numbers   | {ingress: [{port: {number: 80, protocol: HTTP}, defaultEndpoint: '127.0.0.1:http'}]} | sidecar: defaultEndpoint port (http) is not a number
      selectors have no wildcards          | {workloadSelector: {labels: {app: '*'}}, egress: [{hosts: ['./*']}]}  | wildcard is not supported in selector: "app=*"
      dynamic DNS is mesh-wide only        | {outboundTrafficPolicy: {mode: ALLOW_ANY_DYNAMIC_DNS}}                 | sidecar: ALLOW_ANY_DYNAMIC_DNS mode is only supported in MeshConfig, not in Sidecar resource
      egress proxy needs ALLOW_ANY         | {outboundTrafficPolicy: {mode: REGISTRY_ONLY, egressProxy: {host: e.example.com, port: {number: 443}}}} | sidecar: egress_proxy must be set only with ALLOW_ANY outbound_traffic_policy mode
      egress proxy needs a port            | {outboundTrafficPolicy: {mode: ALLOW_ANY, egressProxy: {host: e.example.com}}} | sidecar: egress_proxy port must be non-nil
      outbound mode is an enum             | {outboundTrafficPolicy: {mode: SOMETIMES}}                             | spec.outboundTrafficPolicy.mode: unknown value "SOMETIMES"
      ingress tls is not ISTIO_MUTUAL      | {ingress: [{port: {number: 8443, protocol: HTTPS}, tls: {mode: ISTIO_MUTUAL}}]} | spec.ingress[0].tls.mode: configuration is invalid: cannot set mode to ISTIO_MUTUAL in sidecar ingress tls
      ingress tls has no credentialName    | {ingress: [{port: {number: 8443, protocol: HTTPS}, tls: {mode: SIMPLE, credentialName: c}}]} | sidecar: credentialName is not currently supported
      ingress tls needs a TLS port         | {ingress: [{port: {number: 8080, protocol: HTTP}, tls: {mode: SIMPLE, serverCertificate: /c.pem, privateKey: /k.pem}}]} | server cannot have TLS settings for non HTTPS/TLS ports
      SIMPLE needs a certificate           | {ingress: [{port: {number: 8443, protocol: HTTPS}, tls: {mode: SIMPLE, privateKey: /k.pem}}]} | SIMPLE TLS requires a server certificate
      MUTUAL needs a client CA bundle      | {ingress: [{port: {number: 8443, protocol: HTTPS}, tls: {mode: MUTUAL, serverCertificate: /c.pem, privateKey: /k.pem}}]} | MUTUAL TLS requires a client CA bundle
      SIMPLE takes no CRL                  | {ingress: [{port: {number: 8443, protocol: HTTPS}, tls: {mode: SIMPLE, serverCertificate: /c.pem, privateKey: /k.pem, caCrl: /crl.pem}}]} | CRL is not supported with SIMPLE TLS
      """)
  void rejects(String rule, String spec, String error) {
    assertThat(validate(spec).errors()).as(rule).anySatisfy(e -> assertThat(e).contains(error));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      duplicated egress hosts            | {egress: [{hosts: ['./*', 'shop/a.example.com']}]}                     | duplicated egress host: shop/a.example.com
      star-star with other hosts         | {egress: [{hosts: ['*/*', 'istio-system/*']}]}                         | `*/*` host select all resources, no other hosts can be added
      a selector without labels          | {workloadSelector: {}, egress: [{hosts: ['./*']}]}                     | will be applied to all services in namespace
      unknown ingress tls cipher suites  | {ingress: [{port: {number: 8443, protocol: HTTPS}, tls: {mode: SIMPLE, serverCertificate: /c.pem, privateKey: /k.pem, cipherSuites: [AES128-SHA, FAST-CIPHER]}}]} | ignoring invalid cipher suites: [FAST-CIPHER]
      """)
  void warnsButAccepts(String rule, String spec, String warning) {
    Validation validation = validate(spec);
    assertThat(validation.errors()).as(rule).isEmpty();
    assertThat(validation.warnings()).anySatisfy(w -> assertThat(w).contains(warning));
  }
}
