package io.meshpilot.xds;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** Records every event as one line of text (durations left out), in the order they arrived. */
public final class RecordingEvents implements XdsEvents {
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final List<Duration> queueTimes = new CopyOnWriteArrayList<>();
  private final List<Duration> convergenceTimes = new CopyOnWriteArrayList<>();
  private final List<Duration> debounceWindows = new CopyOnWriteArrayList<>();
  private final List<PushStart> pushes = new CopyOnWriteArrayList<>();

  public List<String> lines() {
    return List.copyOf(lines);
  }

  /** The lines starting with {@code prefix}. */
  public List<String> lines(String prefix) {
    return lines.stream().filter(line -> line.startsWith(prefix)).toList();
  }

  public List<Duration> queueTimes() {
    return List.copyOf(queueTimes);
  }

  public List<Duration> convergenceTimes() {
    return List.copyOf(convergenceTimes);
  }

  public List<Duration> debounceWindows() {
    return List.copyOf(debounceWindows);
  }

  public List<PushStart> pushes() {
    return List.copyOf(pushes);
  }

  public long count(Predicate<String> line) {
    return lines.stream().filter(line).count();
  }

  @Override
  public void proxyConnected(String version) {
    lines.add("connected " + version);
  }

  @Override
  public void proxyDisconnected(String version) {
    lines.add("disconnected " + version);
  }

  @Override
  public void pushed(String type, String typeUrl, Duration generateAndSend, long bytes) {
    lines.add("pushed " + type + " " + typeUrl + " " + bytes);
  }

  @Override
  public void sendError(String type) {
    lines.add("senderr " + type);
  }

  @Override
  public void rejected(String type, String proxyId, String error) {
    lines.add("rejected " + type + " " + proxyId + " " + error);
  }

  @Override
  public void expiredNonce(String type) {
    lines.add("expired " + type);
  }

  @Override
  public void queued(Duration wait) {
    lines.add("queued");
    queueTimes.add(wait);
  }

  @Override
  public void converged(Duration sincePushStart) {
    lines.add("converged");
    convergenceTimes.add(sincePushStart);
  }

  @Override
  public void debounced(Duration window, int events, boolean full) {
    lines.add("debounced " + events + " " + full);
    debounceWindows.add(window);
  }

  @Override
  public void pushTrigger(String reason) {
    lines.add("trigger " + reason);
  }

  @Override
  public void pushContextBuilt(Duration took, int services) {
    lines.add("context " + services);
  }

  @Override
  public void pushStarted(PushStart push) {
    lines.add("started " + push.reasons() + " full=" + push.full() + " proxies=" + push.proxies());
    pushes.add(push);
  }
}
