package io.meshpilot.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import java.util.function.BiFunction;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The shared shape of {@code proxy-config <kind> <proxy>}: where the dump comes from, and {@code -o}. */
abstract class ProxyConfigSubcommand extends CliCommand {
  @Parameters(index = "0", paramLabel = "<proxy>", description = "Proxy ID (<pod>.<namespace>; meshpilot matches a substring).")
  String proxy;

  @Mixin
  DumpSource source;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "short",
      description = "short (table), json or yaml (the selected config).")
  OutputFormat output;

  /** Prints the table, or the selected resources as a JSON/YAML array. */
  <F> int show(List<JsonNode> all, F filter, BiFunction<List<JsonNode>, F, List<JsonNode>> select,
      BiFunction<List<JsonNode>, F, String> table) {
    if (output == OutputFormat.SHORT) {
      print(table.apply(all, filter));
    } else {
      ArrayNode selected = JsonNodeFactory.instance.arrayNode();
      select.apply(all, filter).forEach(selected::add);
      print(output.format(selected));
    }
    return 0;
  }
}
