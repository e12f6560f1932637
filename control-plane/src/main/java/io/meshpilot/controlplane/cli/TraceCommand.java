package io.meshpilot.controlplane.cli;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code meshpilot proxy-config trace <proxy> <url>}: one request through the proxy's config, hop by hop. */
@Command(name = "trace", mixinStandardHelpOptions = true,
    description = {"Follow a request from the proxy through listener, filter chain, route, cluster and endpoints,"
        + " one line per hop, and say where it would leave the mesh or be dropped.",
        "Exit code 0 when the request reaches endpoints of a cluster, 1 when it is dropped on the way."})
final class TraceCommand extends CliCommand {
  @Parameters(index = "0", paramLabel = "<proxy>", description = "Proxy ID (<pod>.<namespace>).")
  String proxy;

  @Parameters(index = "1", paramLabel = "<url>",
      description = "The request, e.g. http://reviews.default.svc.cluster.local:9080/reviews/1, https://host/ or tcp://10.96.0.5:5432.")
  String url;

  @Mixin
  DumpSource source;

  @Override
  int run() {
    TraceTarget target = TraceTarget.parse(url);
    List<RequestTrace.Hop> hops = RequestTrace.trace(source.load(proxy, true), target);
    print(RequestTrace.render(hops));
    return hops.stream().anyMatch(h -> h.kind().equals("dropped")) ? 1 : 0;
  }
}
