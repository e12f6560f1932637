package io.meshpilot.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code meshpilot why <proxy> <hostname>}: where the last change to a service stands for one
 * proxy — in the registry since when and from which object, visible to the proxy or not, carried by
 * which push, and per xDS type sent, ACKed or NACKed (from {@code /debug/why}).
 */
@Command(name = "why", mixinStandardHelpOptions = true,
    description = {
        "Where the last change to <hostname> stands for <proxy>: the registry object and resourceVersion"
            + " that changed it and when, whether the proxy can see it and which clusters, listeners and"
            + " routes it yields there, the push that carried the change, and per xDS type whether the"
            + " proxy ACKed, NACKed (with Envoy's error) or has not yet been sent it (from /debug/why)."})
public final class WhyCommand extends CliCommand {
  @Parameters(index = "0", paramLabel = "<proxy>",
      description = "Proxy ID (<pod>.<namespace>; meshpilot matches a substring or a glob).")
  String proxy;

  @Parameters(index = "1", paramLabel = "<hostname>",
      description = "Service hostname, e.g. reviews.default.svc.cluster.local or a ServiceEntry host.")
  String hostname;

  @Option(names = "--pilot", paramLabel = "URL", defaultValue = DumpSource.DEFAULT_PILOT,
      description = "meshpilot's HTTP debug address (default: ${DEFAULT-VALUE}).")
  String pilot;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "short",
      description = "short (text), json or yaml (the /debug/why answer).")
  OutputFormat output;

  HttpFetcher fetcher = new HttpFetcher();

  @Override
  int run() {
    JsonNode why = JsonText.parse(fetcher.get(pilot, path(proxy, hostname)));
    print(output == OutputFormat.SHORT ? WhyText.render(why) : output.format(why));
    return 0;
  }

  static String path(String proxy, String hostname) {
    return "/debug/why?proxyID=" + URLEncoder.encode(proxy, StandardCharsets.UTF_8)
        + "&hostname=" + URLEncoder.encode(hostname, StandardCharsets.UTF_8);
  }
}
