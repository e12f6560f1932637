package io.meshpilot.registry.realcluster;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link RealApiServer} per test class:
 * {@code @RegisterExtension static final RealApiServerExtension KUBE = new RealApiServerExtension();}
 * starts it before the class's first test (failing under CI, skipping otherwise, when the peers
 * are missing) and kills it, removing its files, after the last one, however the tests ended.
 */
public final class RealApiServerExtension implements BeforeAllCallback, AfterAllCallback {
  private final String[] extraApiServerFlags;
  private RealApiServer server;

  /** @param extraApiServerFlags more kube-apiserver flags, e.g. {@code --watch-cache=false} */
  public RealApiServerExtension(String... extraApiServerFlags) {
    this.extraApiServerFlags = extraApiServerFlags.clone();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    server = RealApiServer.start(extraApiServerFlags);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  /** The running server (inside the class's tests). */
  public RealApiServer server() {
    if (server == null) {
      throw new IllegalStateException("the real API server runs only inside the test class");
    }
    return server;
  }
}
