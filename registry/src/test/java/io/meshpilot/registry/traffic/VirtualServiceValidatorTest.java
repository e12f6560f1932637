package io.meshpilot.registry.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshpilot.registry.networking.IstioKind;
import io.meshpilot.registry.validation.Validation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** istiod's VirtualService rules, one per case: the spec (YAML flow style) and the error it must give. */
class VirtualServiceValidatorTest {

  private static Validation validate(String spec) {
    return Specs.validate(IstioKind.VIRTUAL_SERVICE, spec);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "{hosts: [reviews], http: [{route: [{destination: {host: reviews}}]}]}",
      "{hosts: [reviews, '*.example.com'], http: [{route: [{destination: {host: reviews, subset: v1}, weight: 80}, {destination: {host: reviews, subset: v2}, weight: 20}]}]}",
      "{hosts: [reviews], http: [{match: [{uri: {prefix: /api}, headers: {end-user: {exact: jason}}, ignoreUriCase: true}], route: [{destination: {host: reviews}}]}]}",
      "{hosts: [reviews], http: [{match: [{uri: {prefix: ''}}], route: [{destination: {host: reviews}}]}]}",
      "{hosts: [reviews], http: [{redirect: {uri: /v2, redirectCode: 301}}]}",
      "{hosts: [reviews], http: [{directResponse: {status: 503, body: {string: down}}}]}",
      "{hosts: [reviews], http: [{delegate: {name: reviews-routes, namespace: shop}}]}",
      "{http: [{route: [{destination: {host: reviews}}]}]}",
      "{hosts: [reviews], http: [{route: [{destination: {host: reviews}}], retries: {attempts: 3, perTryTimeout: 2s, retryOn: '5xx,connect-failure,503'}, timeout: 10s}]}",
      "{hosts: [reviews], http: [{route: [{destination: {host: reviews}}], fault: {delay: {fixedDelay: 5s, percentage: {value: 0.5}}, abort: {httpStatus: 503, percentage: {value: 10}}}}]}",
      "{hosts: [reviews], http: [{route: [{destination: {host: reviews}}], mirror: {host: shadow}, mirrorPercentage: {value: 50}}]}",
      "{hosts: [reviews], http: [{route: [{destination: {host: reviews}}], rewrite: {uriRegexRewrite: {match: '^/v1(.*)', rewrite: '/v2\\\\1'}}}]}",
      "{hosts: [reviews], gateways: [mesh, shop/ingress], http: [{route: [{destination: {host: reviews}}]}]}",
      "{hosts: [db], tcp: [{match: [{port: 5432, destinationSubnets: [10.0.0.0/8]}], route: [{destination: {host: db, port: {number: 5432}}}]}]}",
      "{hosts: ['*.example.com'], tls: [{match: [{sniHosts: [a.example.com]}], route: [{destination: {host: a.example.com}}]}]}",
  })
  void accepts(String spec) {
    assertThat(validate(spec).errors()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      one of http, tcp or tls               | {hosts: [reviews]}                                                   | spec: http, tcp or tls must be provided in virtual service
      hosts are domain names                | {hosts: [re_views], http: [{route: [{destination: {host: r}}]}]}     | spec.hosts[0]: domain name "re_views" invalid
      no wildcard host for the mesh         | {hosts: ['*'], http: [{route: [{destination: {host: r}}]}]}         | wildcard host * is not allowed for virtual services bound to the mesh gateway
      hosts are not duplicated              | {hosts: ['*.example.com', a.example.com], http: [{route: [{destination: {host: r}}]}]} | duplicate hosts in virtual service: *.example.com & a.example.com
      a delegate has no gateways            | {gateways: [shop/gw], http: [{route: [{destination: {host: r}}]}]}   | spec.gateways: delegate virtual service must have no gateways specified
      a delegate has no tcp routes          | {tcp: [{route: [{destination: {host: r}}]}]}                         | spec.tcp: delegate virtual service must have no tcp route specified
      gateway names are namespace/name      | {hosts: [r], gateways: [shop/Bad_Gw], http: [{route: [{destination: {host: r}}]}]} | invalid value for gateway name: "Bad_Gw"
      a route needs an action               | {hosts: [r], http: [{match: [{uri: {exact: /}}]}]}                   | spec.http[0]: HTTP route, redirect or direct_response is required
      route and redirect exclude            | {hosts: [r], http: [{route: [{destination: {host: r}}], redirect: {uri: /x}}]} | HTTP route cannot contain both route and redirect
      route and direct response exclude     | {hosts: [r], http: [{route: [{destination: {host: r}}], directResponse: {status: 200}}]} | HTTP route cannot contain both route and direct_response
      a root route delegates only           | {hosts: [r], http: [{delegate: {name: d}, route: [{destination: {host: r}}]}]} | root HTTP route  must not specify route
      a delegate does not delegate again    | {http: [{delegate: {name: d}}]}                                      | spec.http[0].delegate: delegate HTTP route cannot contain delegate
      a destination needs a host            | {hosts: [r], http: [{route: [{weight: 100}]}]}                       | spec.http[0].route[0].destination: destination is required
      destination hosts are not wildcards   | {hosts: [r], http: [{route: [{destination: {host: '*'}}]}]}          | spec.http[0].route[0].destination.host: invalid destination host *
      destination subsets are labels        | {hosts: [r], http: [{route: [{destination: {host: r, subset: V_1}}]}]} | spec.http[0].route[0].destination.subset: subset name is invalid
      destination ports are in range        | {hosts: [r], http: [{route: [{destination: {host: r, port: {number: 70000}}}]}]} | port number 70000 must be in the range 1..65535
      weights are not negative              | {hosts: [r], http: [{route: [{destination: {host: r}, weight: -1}]}]} | spec.http[0].route[0].weight: weight -1 < 0
      several destinations need some weight | {hosts: [r], http: [{route: [{destination: {host: a}, weight: 0}, {destination: {host: b}, weight: 0}]}]} | spec.http[0].route: total destination weight = 0
      a prefix match is not empty           | {hosts: [r], http: [{match: [{headers: {x: {prefix: ''}}}], route: [{destination: {host: r}}]}]} | prefix string match should not be empty
      one of exact, prefix or regex         | {hosts: [r], http: [{match: [{method: {exact: GET, prefix: G}}], route: [{destination: {host: r}}]}]} | only one of exact, prefix or regex may be set
      a regex compiles                      | {hosts: [r], http: [{match: [{uri: {regex: '(unclosed'}}], route: [{destination: {host: r}}]}]} | spec.http[0].match[0].uri.regex: invalid regex "(unclosed"
      header names are tokens               | {hosts: [r], http: [{match: [{headers: {'bad header': {exact: x}}}], route: [{destination: {host: r}}]}]} | header name bad header is not a valid header name
      match ports are in range              | {hosts: [r], http: [{match: [{port: 65536}], route: [{destination: {host: r}}]}]} | spec.http[0].match[0].port: port number 65536 must be in the range 1..65535
      source namespaces are labels          | {hosts: [r], http: [{match: [{sourceNamespace: Bad_Ns}], route: [{destination: {host: r}}]}]} | sourceNamespace match Bad_Ns is invalid
      JWT claim routes need a gateway       | {hosts: [r], http: [{match: [{headers: {'@request.auth.claims.group': {exact: a}}}], route: [{destination: {host: r}}]}]} | JWT claim based routing (key: @request.auth.claims.group) is only supported for gateway
      timeouts are durations                | {hosts: [r], http: [{route: [{destination: {host: r}}], timeout: soon}]} | spec.http[0].timeout: "soon" is not a duration
      retries need attempts for policies    | {hosts: [r], http: [{route: [{destination: {host: r}}], retries: {perTryTimeout: 2s}}]} | http retry policy configured when attempts are set to 0 (disabled)
      retry attempts are not negative       | {hosts: [r], http: [{route: [{destination: {host: r}}], retries: {attempts: -1}}]} | spec.http[0].retries.attempts: attempts cannot be negative
      retryOn names known policies          | {hosts: [r], http: [{route: [{destination: {host: r}}], retries: {attempts: 2, retryOn: 'sometimes'}}]} | "sometimes" is not a valid retryOn policy
      per-try timeouts are durations        | {hosts: [r], http: [{route: [{destination: {host: r}}], retries: {attempts: 2, perTryTimeout: 0s}}]} | spec.http[0].retries.perTryTimeout: duration must be greater than 1ms
      retry backoff is a duration           | {hosts: [r], http: [{route: [{destination: {host: r}}], retries: {attempts: 2, backoff: 100us}}]} | spec.http[0].retries.backoff: duration must be greater than 1ms
      fault needs abort or delay            | {hosts: [r], http: [{route: [{destination: {host: r}}], fault: {}}]} | HTTP fault injection must have an abort and/or a delay
      fault percentages are in range        | {hosts: [r], http: [{route: [{destination: {host: r}}], fault: {abort: {httpStatus: 503, percentage: {value: 101}}}}]} | percentage 101.0 is neither 0.0, nor in range [0.0001, 100.0]
      abort status is an HTTP status        | {hosts: [r], http: [{route: [{destination: {host: r}}], fault: {abort: {httpStatus: 99}}}]} | spec.http[0].fault.abort.httpStatus: HTTP status 99 is not in range 200-599
      abort gRPC status is known            | {hosts: [r], http: [{route: [{destination: {host: r}}], fault: {abort: {grpcStatus: NOPE}}}]} | gRPC status "NOPE" is not supported
      delay is a duration                   | {hosts: [r], http: [{route: [{destination: {host: r}}], fault: {delay: {fixedDelay: 1x}}}]} | spec.http[0].fault.delay.fixedDelay: "1x" is not a duration
      mirror percentage at most 100         | {hosts: [r], http: [{route: [{destination: {host: r}}], mirror: {host: m}, mirrorPercentage: {value: 150}}]} | mirror percentage must have a max value of 100
      mirror and mirrors exclude            | {hosts: [r], http: [{route: [{destination: {host: r}}], mirror: {host: m}, mirrors: [{destination: {host: n}}]}]} | HTTP route cannot contain both mirror and mirrors
      redirect needs a target               | {hosts: [r], http: [{redirect: {redirectCode: 301}}]}                | redirect must specify URI, authority, scheme, or port
      redirect codes are 3xx                | {hosts: [r], http: [{redirect: {uri: /x, redirectCode: 200}}]}       | 200 is not a valid redirect code, must be 3xx
      direct response status is valid       | {hosts: [r], http: [{directResponse: {status: 700}}]}                | spec.http[0].directResponse.status: HTTP status 700 is not in range 200-599
      rewrite needs something to rewrite    | {hosts: [r], http: [{route: [{destination: {host: r}}], rewrite: {}}]} | rewrite must specify at least one of URI, UriRegexRewrite, or authority
      rewrite uri and regex exclude         | {hosts: [r], http: [{route: [{destination: {host: r}}], rewrite: {uri: /a, uriRegexRewrite: {match: a, rewrite: b}}}]} | rewrite may only contain one of URI or UriRegexRewrite
      authority is rewritten once           | {hosts: [r], http: [{route: [{destination: {host: r}}], rewrite: {authority: a}, headers: {request: {set: {host: b}}}}]} | authority header cannot be set multiple times
      request headers are not pseudo        | {hosts: [r], http: [{route: [{destination: {host: r}}], headers: {request: {set: {':path': /x}}}}]} | invalid header ":path": header cannot have ":" prefix
      response headers are not Host         | {hosts: [r], http: [{route: [{destination: {host: r}}], headers: {response: {remove: [Host]}}}]} | invalid header "Host": cannot set Host header
      header values escape percent          | {hosts: [r], http: [{route: [{destination: {host: r}}], headers: {request: {add: {x: 'a%b'}}}}]} | Un-escaped %
      CORS methods are HTTP methods         | {hosts: [r], http: [{route: [{destination: {host: r}}], corsPolicy: {allowMethods: [FETCH]}}]} | "FETCH" is not a supported HTTP method
      CORS max age is whole seconds         | {hosts: [r], http: [{route: [{destination: {host: r}}], corsPolicy: {maxAge: 1.5s}}]} | max_age duration is accurate only to seconds precision
      TLS routes need a match               | {hosts: [a.example.com], tls: [{route: [{destination: {host: a.example.com}}]}]} | spec.tls[0].match: TLS route must have at least one match condition
      SNI hosts are within the hosts        | {hosts: [a.example.com], tls: [{match: [{sniHosts: [b.example.com]}], route: [{destination: {host: b}}]}]} | SNI host "b.example.com" is not a compatible subset of any of the virtual service hosts: [a.example.com]
      TCP routes need a route               | {hosts: [db], tcp: [{match: [{port: 5432}]}]}                        | spec.tcp[0].route: TCP route is required
      TCP subnets are CIDRs                 | {hosts: [db], tcp: [{match: [{destinationSubnets: [10.0.0.0/33]}], route: [{destination: {host: db}}]}]} | "10.0.0.0/33" is not a valid IP or CIDR
      exportTo is namespaces                | {hosts: [r], http: [{route: [{destination: {host: r}}]}], exportTo: ['~']} | spec.exportTo[0]: "~" must be ".", "*" or a namespace
      """)
  void rejects(String rule, String spec, String error) {
    assertThat(validate(spec).errors()).as(rule).anySatisfy(e -> assertThat(e).contains(error));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      deprecated mirrorPercent          | {hosts: [r], http: [{route: [{destination: {host: r}}], mirror: {host: m}, mirrorPercent: 50}]} | using deprecated setting "mirrorPercent", use "mirrorPercentage" instead
      legacy gateway names              | {hosts: [r], gateways: [ingress.shop], http: [{route: [{destination: {host: r}}]}]} | using legacy gatewayName format "ingress.shop"; prefer the <namespace>/<name> format: "shop/ingress"
      an abort without an error type    | {hosts: [r], http: [{route: [{destination: {host: r}}], fault: {abort: {percentage: {value: 1}}}}]} | abort configured, but error type not set
      """)
  void warnsButAccepts(String rule, String spec, String warning) {
    Validation validation = validate(spec);
    assertThat(validation.errors()).as(rule).isEmpty();
    assertThat(validation.warnings()).anySatisfy(w -> assertThat(w).contains(warning));
  }
}
