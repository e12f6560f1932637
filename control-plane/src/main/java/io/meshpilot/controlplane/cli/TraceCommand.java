package io.meshpilot.controlplane.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code meshpilot proxy-config trace <proxy> <url>}: one request through the proxy's config, hop by hop. */
@Command(name = "trace", mixinStandardHelpOptions = true,
    description = {"Follow a request from the proxy through listener, filter chain, route, cluster and endpoints,"
        + " one line per hop, and say where it would leave the mesh or be dropped. Routes are tried in order"
        + " against the request's path, query, method and headers, as Envoy tries them.",
        "Exit code 0 when the request reaches endpoints of a cluster (or is answered by a redirect or direct"
        + " response), 1 when it is dropped on the way."})
final class TraceCommand extends CliCommand {
  @Parameters(index = "0", paramLabel = "<proxy>", description = "Proxy ID (<pod>.<namespace>).")
  String proxy;

  @Parameters(index = "1", paramLabel = "<url>",
      description = "The request, e.g. http://reviews.default.svc.cluster.local:9080/reviews/1?u=2, https://host/ or tcp://10.96.0.5:5432.")
  String url;

  @Option(names = {"-H", "--header"}, paramLabel = "'NAME: VALUE'",
      description = "A request header, as curl takes it (repeatable; 'Host: x' replaces the URL's authority).")
  List<String> headers = new ArrayList<>();

  @Option(names = {"-X", "--request", "--method"}, paramLabel = "METHOD", defaultValue = "GET",
      description = "The request method, as curl's -X (default: ${DEFAULT-VALUE}).")
  String method;

  @Mixin
  DumpSource source;

  @Override
  int run() {
    TraceTarget target = TraceTarget.parse(url);
    TraceRequest request = TraceRequest.of(target, method, headers);
    List<RequestTrace.Hop> hops = RequestTrace.trace(source.load(proxy, true), target, request);
    print(RequestTrace.render(hops));
    return hops.stream().anyMatch(h -> h.kind().equals("dropped")) ? 1 : 0;
  }
}
