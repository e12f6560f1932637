package io.meshpilot.controlplane;

/** Entry point of meshpilot.jar. */
public final class Meshpilot {
  public static void main(String[] args) {}
}
