package io.meshpilot.registry.kube;

import java.util.logging.Level;
import java.util.logging.Logger;

/** Quiets the mock server, which logs every request through java.util.logging at INFO. */
final class MockServerLogs {
  // JUL keeps loggers only weakly: hold it so the level sticks.
  private static final Logger MOCK_WEB_SERVER = Logger.getLogger("io.fabric8.mockwebserver");

  private MockServerLogs() {}

  static void quiet() {
    MOCK_WEB_SERVER.setLevel(Level.WARNING);
  }
}
