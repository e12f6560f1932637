package io.meshpilot.xds.view;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.meshpilot.registry.MeshRegistry;
import io.meshpilot.registry.ObjectKey;
import io.meshpilot.registry.RegistryChange;
import io.meshpilot.registry.RegistryConfig;
import io.meshpilot.registry.RegistryListener;
import io.meshpilot.registry.Rejection;
import io.meshpilot.registry.ServiceRegistry;
import io.meshpilot.registry.model.Endpoint;
import io.meshpilot.registry.model.Service;
import io.meshpilot.registry.networking.ConfigMeta;
import io.meshpilot.registry.networking.IstioConfig;
import io.meshpilot.registry.networking.Sidecar;
import io.meshpilot.registry.networking.TrafficConfigs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real {@link MeshRegistry} for services and endpoints plus Sidecars the test adds directly (the
 * config sources are not under test here): each change publishes a new {@link TrafficConfigs} and
 * tells the listeners which config changed, as the registry does.
 */
public final class TrafficRegistry implements ServiceRegistry {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final MeshRegistry mesh = new MeshRegistry(RegistryConfig.defaults());
  private final List<RegistryListener> listeners = new CopyOnWriteArrayList<>();
  private volatile TrafficConfigs configs = TrafficConfigs.EMPTY;

  /** The registry services and endpoints go to (upsert fabric8 objects here). */
  public MeshRegistry mesh() {
    return mesh;
  }

  /** Binds a Sidecar spec from Istio's YAML, as the config sources bind it. */
  public static Sidecar spec(String yaml) {
    try {
      return YAML.readValue(yaml, Sidecar.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Adds or replaces the Sidecar {@code namespace/name}, created at {@code created} (RFC 3339). */
  public TrafficRegistry sidecar(String namespace, String name, String created, String specYaml) {
    ObjectKey key = key(namespace, name);
    List<IstioConfig<Sidecar>> sidecars = new ArrayList<>(configs.sidecars());
    sidecars.removeIf(c -> c.meta().key().equals(key));
    sidecars.add(new IstioConfig<>(new ConfigMeta(key, "networking.istio.io/v1", "1", Instant.parse(created),
        Map.of(), Map.of(), 1, "test"), spec(specYaml)));
    publish(sidecars, key);
    return this;
  }

  /** Removes the Sidecar {@code namespace/name}. */
  public TrafficRegistry withoutSidecar(String namespace, String name) {
    ObjectKey key = key(namespace, name);
    List<IstioConfig<Sidecar>> sidecars = new ArrayList<>(configs.sidecars());
    sidecars.removeIf(c -> c.meta().key().equals(key));
    publish(sidecars, key);
    return this;
  }

  public static ObjectKey key(String namespace, String name) {
    return new ObjectKey(SidecarScope.KIND, namespace, name);
  }

  private void publish(List<IstioConfig<Sidecar>> sidecars, ObjectKey changed) {
    sidecars.sort(IstioConfig.ISTIO_ORDER);
    configs = new TrafficConfigs(configs.destinationRules(), configs.virtualServices(), sidecars);
    RegistryChange change = new RegistryChange(Set.of(), Set.of(), Set.of(changed));
    listeners.forEach(l -> l.onChange(change));
  }

  @Override
  public TrafficConfigs trafficConfigs() {
    return configs;
  }

  @Override
  public List<Service> services() {
    return mesh.services();
  }

  @Override
  public Map<String, List<Endpoint>> endpointShards(String hostname, String namespace) {
    return mesh.endpointShards(hostname, namespace);
  }

  @Override
  public List<Rejection> rejections() {
    return mesh.rejections();
  }

  @Override
  public boolean synced() {
    return mesh.synced();
  }

  @Override
  public List<String> pendingSources() {
    return mesh.pendingSources();
  }

  @Override
  public void addListener(RegistryListener listener) {
    listeners.add(listener);
    mesh.addListener(listener);
  }
}
