package io.meshpilot.loadtest.mesh;

import java.io.IOException;
import java.util.List;

/**
 * Where the generated mesh lives for the server under test to read: a directory for the file
 * registry, or a Kubernetes API server.
 */
public interface MeshStore extends AutoCloseable {
  /** Writes the whole mesh (namespaces too, where the store needs them). */
  void writeAll(GeneratedMesh mesh) throws IOException;

  /** Creates or replaces one service's objects, as one change as far as the store allows. */
  default void write(GeneratedMesh.ServiceObjects service) throws IOException {
    prepare(service).apply();
  }

  /**
   * Gets a write of one service's objects ready, so that what is timed is the change itself, not
   * the load client composing it: a file store renders the file first, then moves it into place.
   */
  PreparedWrite prepare(GeneratedMesh.ServiceObjects service) throws IOException;

  /** A change to the store, ready to be made. */
  interface PreparedWrite {
    /** Makes the change. */
    void apply() throws IOException;
  }

  /** What to pass to meshpilot's {@code server} so that it reads this store. */
  List<String> serverArgs();

  /** A short description for the report, e.g. {@code file:/tmp/x} or {@code kube:config}. */
  String describe();

  @Override
  default void close() throws IOException {}
}
