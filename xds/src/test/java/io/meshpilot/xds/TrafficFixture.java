package io.meshpilot.xds;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.meshpilot.registry.ObjectKey;
import io.meshpilot.registry.Rejection;
import io.meshpilot.registry.RegistryListener;
import io.meshpilot.registry.ServiceRegistry;
import io.meshpilot.registry.model.Endpoint;
import io.meshpilot.registry.model.Service;
import io.meshpilot.registry.networking.ConfigMeta;
import io.meshpilot.registry.networking.DestinationRule;
import io.meshpilot.registry.networking.IstioConfig;
import io.meshpilot.registry.networking.TrafficConfigs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Istio traffic configs for generator tests, bound from Istio's own YAML as the registry binds them,
 * and a registry that serves them beside another registry's services (the sources that fill
 * {@code trafficConfigs()} are not needed to test what the generators make of them).
 */
public final class TrafficFixture {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private TrafficFixture() {}

  /** An accepted DestinationRule {@code ns/name} created at {@code created} (RFC 3339) with this spec. */
  public static IstioConfig<DestinationRule> destinationRule(String ns, String name, String created, String spec) {
    return new IstioConfig<>(meta("DestinationRule", ns, name, created), bind(spec, DestinationRule.class));
  }

  /** A DestinationRule created at the start of 2026. */
  public static IstioConfig<DestinationRule> destinationRule(String ns, String name, String spec) {
    return destinationRule(ns, name, "2026-01-01T00:00:00Z", spec);
  }

  public static TrafficConfigs rules(List<IstioConfig<DestinationRule>> rules) {
    return new TrafficConfigs(rules.stream().sorted(IstioConfig.ISTIO_ORDER).toList(), List.of(), List.of());
  }

  private static ConfigMeta meta(String kind, String ns, String name, String created) {
    return new ConfigMeta(new ObjectKey(kind, ns, name), "networking.istio.io/v1", "1", Instant.parse(created),
        Map.of(), Map.of(), 1, "test");
  }

  private static <T> T bind(String yaml, Class<T> type) {
    try {
      return YAML.readValue(yaml, type);
    } catch (IOException e) {
      throw new UncheckedIOException("spec does not bind: " + yaml, e);
    }
  }

  /** {@code base}'s services and endpoints with the traffic configs {@code traffic} supplies now. */
  public static ServiceRegistry withTraffic(ServiceRegistry base, Supplier<TrafficConfigs> traffic) {
    return new ServiceRegistry() {
      @Override
      public List<Service> services() {
        return base.services();
      }

      @Override
      public Map<String, List<Endpoint>> endpointShards(String hostname, String namespace) {
        return base.endpointShards(hostname, namespace);
      }

      @Override
      public TrafficConfigs trafficConfigs() {
        return traffic.get();
      }

      @Override
      public List<Rejection> rejections() {
        return base.rejections();
      }

      @Override
      public boolean synced() {
        return base.synced();
      }

      @Override
      public List<String> pendingSources() {
        return base.pendingSources();
      }

      @Override
      public void addListener(RegistryListener listener) {
        base.addListener(listener);
      }
    };
  }
}
