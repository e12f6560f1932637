package io.meshpilot.controlplane;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** The version baked into the jar at build time (served at {@code /version}, printed by {@code --version}). */
public final class BuildInfo implements IVersionProvider {
  private static final String VERSION = load();

  /** The meshpilot version, e.g. {@code 0.1.0-SNAPSHOT}. */
  public static String version() {
    return VERSION;
  }

  @Override
  public String[] getVersion() {
    return new String[] {"meshpilot " + VERSION};
  }

  private static String load() {
    Properties properties = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream("/meshpilot-version.properties")) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      // fall through to "unknown": the version is informational
    }
    return properties.getProperty("version", "unknown");
  }
}
