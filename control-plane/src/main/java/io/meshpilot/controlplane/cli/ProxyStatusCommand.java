package io.meshpilot.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code meshpilot proxy-status}: the sync status of every connected proxy (istioctl's table plus
 * the NACKs), or, with a proxy and {@code --envoy-admin}, the diff between what meshpilot would send
 * it and what its Envoy has.
 */
@Command(name = "proxy-status", aliases = "ps", mixinStandardHelpOptions = true,
    description = {
        "Without a proxy: the xDS sync status of each proxy connected to meshpilot (from /debug/syncz),"
            + " then one line per type a proxy rejected, with Envoy's error.",
        "With <proxy> and --envoy-admin: compares clusters, listeners and routes meshpilot would send the proxy"
            + " with the Envoy's /config_dump. Exit code 0 whether or not they match (as istioctl)."})
public final class ProxyStatusCommand extends CliCommand {
  @Parameters(arity = "0..1", paramLabel = "<proxy>",
      description = "Proxy ID (<pod>.<namespace>; meshpilot matches a substring).")
  String proxy;

  @Option(names = "--pilot", paramLabel = "URL", defaultValue = DumpSource.DEFAULT_PILOT,
      description = "meshpilot's HTTP debug address (default: ${DEFAULT-VALUE}).")
  String pilot;

  @Option(names = {"-n", "--namespace"}, paramLabel = "NS", description = "Only proxies of this namespace.")
  String namespace;

  @Option(names = "--envoy-admin", paramLabel = "URL",
      description = "The proxy's Envoy admin address (e.g. http://localhost:15000) to diff against.")
  String envoyAdmin;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "short",
      description = "short (table), json or yaml (the /debug/syncz entries).")
  OutputFormat output;

  HttpFetcher fetcher = new HttpFetcher();
  Clock clock = Clock.systemDefaultZone();

  @Override
  int run() {
    if (envoyAdmin != null) {
      if (proxy == null) {
        throw new CliException("--envoy-admin compares one proxy: give its ID (<pod>.<namespace>)");
      }
      ConfigDump ours = ConfigDump.parse(fetcher.get(pilot, DumpSource.configDumpPath(proxy, false)));
      ConfigDump envoy = ConfigDump.parse(fetcher.get(envoyAdmin, "/config_dump"));
      print(ConfigComparison.compare(ours, envoy, clock.getZone()));
      return 0;
    }
    String query = namespace == null ? "" : "?namespace=" + URLEncoder.encode(namespace, StandardCharsets.UTF_8);
    JsonNode syncz = JsonText.parse(fetcher.get(pilot, "/debug/syncz" + query));
    if (!syncz.isArray()) {
      throw new CliException("/debug/syncz did not answer a JSON array");
    }
    if (proxy != null) {
      syncz = only(syncz, proxy);
    }
    if (output != OutputFormat.SHORT) {
      print(output.format(syncz));
      return 0;
    }
    print(SyncStatusTable.render(syncz, controlPlane(), clock.instant()));
    return 0;
  }

  /** The entries whose proxy ID contains {@code id}, as meshpilot matches proxyID. */
  private static JsonNode only(JsonNode syncz, String id) {
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    syncz.forEach(e -> {
      if (e.path("proxy").asText().contains(id)) {
        out.add(e);
      }
    });
    return out;
  }

  /** The ISTIOD column: which meshpilot answered, as {@code host:port}. */
  private String controlPlane() {
    URI uri = HttpFetcher.uri(pilot, "/");
    return uri.getPort() > 0 ? uri.getHost() + ":" + uri.getPort() : uri.getHost();
  }

  /** For tests: a fixed clock makes ages and local times deterministic. */
  ProxyStatusCommand withClock(Clock fixed) {
    this.clock = fixed;
    return this;
  }
}
