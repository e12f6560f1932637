package io.meshpilot.registry.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.meshpilot.registry.ObjectKey;
import io.meshpilot.registry.ObjectSink;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** An ObjectSink that remembers every call and the resulting state, for assertions. */
final class RecordingSink implements ObjectSink {
  /** One call: op is upsert, delete, started or synced. */
  record Call(String op, String source, ObjectKey key, String resourceVersion) {}

  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final Map<ObjectKey, HasMetadata> state = new ConcurrentHashMap<>();

  @Override
  public void upsert(String source, HasMetadata object) {
    state.put(ObjectKey.of(object), object);
    calls.add(new Call("upsert", source, ObjectKey.of(object), object.getMetadata().getResourceVersion()));
  }

  @Override
  public void delete(String source, HasMetadata object) {
    state.remove(ObjectKey.of(object));
    calls.add(new Call("delete", source, ObjectKey.of(object), object.getMetadata().getResourceVersion()));
  }

  @Override
  public void sourceStarted(String source) {
    calls.add(new Call("started", source, null, null));
  }

  @Override
  public void sourceSynced(String source) {
    calls.add(new Call("synced", source, null, null));
  }

  List<Call> calls() {
    return List.copyOf(calls);
  }

  long count(String op) {
    return calls.stream().filter(c -> c.op().equals(op)).count();
  }

  boolean synced() {
    return count("synced") > 0;
  }

  /** Current objects: key → resourceVersion, sorted. */
  Map<ObjectKey, String> versions() {
    Map<ObjectKey, String> out = new TreeMap<>();
    state.forEach((k, v) -> out.put(k, v.getMetadata().getResourceVersion()));
    return out;
  }

  HasMetadata get(ObjectKey key) {
    return state.get(key);
  }
}
