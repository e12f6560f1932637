package io.meshpilot.xds.server;

/** A proxy's sync status for one type, as {@code istioctl proxy-status} shows it. */
public enum SyncStatus {
  SYNCED("SYNCED"),
  NOT_SENT("NOT SENT"),
  STALE("STALE"),
  ERROR("ERROR");

  private final String label;

  SyncStatus(String label) {
    this.label = label;
  }

  /** The text istioctl prints, e.g. {@code NOT SENT}. */
  public String label() {
    return label;
  }
}
