package io.meshpilot.controlplane.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code meshpilot proxy-config}: what meshpilot would send one proxy, as istioctl's tables or raw config. */
@Command(name = "proxy-config", aliases = "pc", mixinStandardHelpOptions = true,
    description = "Show the config meshpilot generates for a proxy (from /debug/config_dump?proxyID=...).",
    subcommands = {
        ProxyConfigCommand.Clusters.class,
        ProxyConfigCommand.Listeners.class,
        ProxyConfigCommand.Routes.class,
        ProxyConfigCommand.Endpoints.class,
        ProxyConfigCommand.Bootstrap.class,
        TraceCommand.class})
public final class ProxyConfigCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(),
        "give a subcommand: clusters, listeners, routes, endpoints, bootstrap or trace");
  }

  /** {@code proxy-config clusters}. */
  @Command(name = "clusters", aliases = {"cluster", "c"}, mixinStandardHelpOptions = true,
      description = "SERVICE FQDN, PORT, SUBSET, DIRECTION, TYPE and DESTINATION RULE of each cluster.")
  static final class Clusters extends ProxyConfigSubcommand {
    @Option(names = "--fqdn", defaultValue = "", description = "Only clusters whose name contains this FQDN.")
    String fqdn;
    @Option(names = "--port", defaultValue = "0", description = "Only clusters of this port.")
    int port;
    @Option(names = "--subset", defaultValue = "", description = "Only clusters of this subset.")
    String subset;
    @Option(names = "--direction", defaultValue = "", description = "inbound or outbound.")
    String direction;

    @Override
    int run() {
      ClusterTable.Filter filter = new ClusterTable.Filter(fqdn, port, subset, direction);
      return show(source.load(proxy, false).clusters(), filter, ClusterTable::select, ClusterTable::render);
    }
  }

  /** {@code proxy-config listeners}. */
  @Command(name = "listeners", aliases = {"listener", "l"}, mixinStandardHelpOptions = true,
      description = "ADDRESSES, PORT, MATCH and DESTINATION of each listener's filter chains.")
  static final class Listeners extends ProxyConfigSubcommand {
    @Option(names = "--address", defaultValue = "", description = "Only listeners on this address.")
    String address;
    @Option(names = "--port", defaultValue = "0", description = "Only listeners on this port.")
    int port;
    @Option(names = "--type", defaultValue = "", description = "HTTP, TCP, HTTP+TCP or UNKNOWN.")
    String type;

    @Override
    int run() {
      ListenerTable.Filter filter = new ListenerTable.Filter(address, port, type);
      return show(source.load(proxy, false).listeners(), filter, ListenerTable::select, ListenerTable::render);
    }
  }

  /** {@code proxy-config routes}. */
  @Command(name = "routes", aliases = {"route", "r"}, mixinStandardHelpOptions = true,
      description = "NAME, VHOST NAME, DOMAINS, MATCH and VIRTUAL SERVICE of each route.")
  static final class Routes extends ProxyConfigSubcommand {
    @Option(names = "--name", defaultValue = "", description = "Only the route configuration of this name.")
    String name;

    @Override
    int run() {
      return show(source.load(proxy, false).routeConfigs(), name, RouteTable::select, RouteTable::render);
    }
  }

  /** {@code proxy-config endpoints}. */
  @Command(name = "endpoints", aliases = {"endpoint", "ep"}, mixinStandardHelpOptions = true,
      description = "ENDPOINT, STATUS, LOCALITY and CLUSTER of each endpoint (EDS).")
  static final class Endpoints extends ProxyConfigSubcommand {
    @Option(names = "--address", defaultValue = "", description = "Only endpoints at this ip:port.")
    String address;
    @Option(names = "--port", defaultValue = "0", description = "Only endpoints on this port.")
    int port;
    @Option(names = "--cluster", defaultValue = "", description = "Only endpoints of this cluster.")
    String cluster;
    @Option(names = "--status", defaultValue = "", description = "Only endpoints in this health status.")
    String status;

    @Override
    int run() {
      EndpointTable.Filter filter = new EndpointTable.Filter(address, port, cluster, status);
      return show(source.load(proxy, true).endpointConfigs(), filter, EndpointTable::select, EndpointTable::render);
    }
  }

  /** {@code proxy-config bootstrap}. */
  @Command(name = "bootstrap", aliases = {"b"}, mixinStandardHelpOptions = true,
      description = "The bootstrap part of the config dump (meshpilot's is empty: the proxy's own bootstrap is not known to it).")
  static final class Bootstrap extends ProxyConfigSubcommand {
    @Override
    int run() {
      com.fasterxml.jackson.databind.node.ObjectNode bootstrap = source.load(proxy, false).section(ConfigDump.BOOTSTRAP)
          .orElseThrow(() -> new CliException("the config dump has no " + ConfigDump.BOOTSTRAP)).deepCopy();
      bootstrap.remove("@type");
      print(output == OutputFormat.YAML ? OutputFormat.YAML.format(bootstrap) : OutputFormat.JSON.format(bootstrap));
      return 0;
    }
  }
}
