package io.meshpilot.xds.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.URISyntaxException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kubernetes pod's network, reproduced on one machine for REDIRECT-interception tests: a network
 * namespace the test creates and deletes, with only its own loopback interface, and iptables rules that
 * send the pod's outbound TCP to the sidecar on 15001 as istio-init does.
 *
 * <p>Everything stays inside the namespace: service VIPs and workload addresses are taken from
 * 127.0.0.0/8 and added as /32 on the namespace's {@code lo}; backends and clients run there in a
 * {@link NetnsAgent}; Envoy runs there as uid {@value #PROXY_UID}. There is no veth pair and no address
 * outside the loopback range: the only way in from the host is a Unix domain socket (file system
 * sockets are not bound to a network namespace), which {@link #bridgeToHost} relays to a TCP address in
 * the test JVM (meshpilot's ADS port). Envoy's admin API is a pipe for the same reason.
 *
 * <p>Commands this runs (as root), with {@code NS} = {@code mpe2e-<jvm pid>-<n>}:
 * <pre>
 * ip netns add NS
 * ip netns exec NS ip link set lo up
 * ip netns exec NS ip addr add 127.10.0.1/32 dev lo             # per address the test asks for
 * ip netns exec NS iptables -w -t nat -N MESHPILOT_OUTPUT
 * ip netns exec NS iptables -w -t nat -A OUTPUT -p tcp -j MESHPILOT_OUTPUT
 * ip netns exec NS iptables -w -t nat -A MESHPILOT_OUTPUT -m owner --uid-owner 1337 -j RETURN
 * ip netns exec NS iptables -w -t nat -A MESHPILOT_OUTPUT -d 127.0.0.1/32 -j RETURN
 * ip netns exec NS iptables -w -t nat -A MESHPILOT_OUTPUT -p tcp -j REDIRECT --to-ports 15001
 * ip netns exec NS setpriv --reuid=1337 --regid=1337 --clear-groups envoy ...   # the sidecar
 * ip netns delete NS                                            # on close; takes lo, addresses and rules with it
 * </pre>
 * As with istio-init, 127.0.0.1 itself is not intercepted; every other loopback address is. Namespaces
 * left by a JVM that no longer runs are deleted when the next sandbox is created.
 */
public final class NetnsSandbox implements AutoCloseable {

  /** The sidecar's uid (istio-proxy's), whose own connections are not intercepted. */
  public static final int PROXY_UID = 1337;
  /** Where outbound TCP is redirected ({@code virtualOutbound}). */
  public static final int OUTBOUND_CAPTURE_PORT = 15001;
  /** Where inbound TCP is redirected ({@code virtualInbound}). */
  public static final int INBOUND_CAPTURE_PORT = 15006;

  static final String PREFIX = "mpe2e-";
  private static final Pattern OWNED = Pattern.compile(Pattern.quote(PREFIX) + "(\\d+)-\\d+");
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private final String name;
  private final Path workDir;
  private final List<UnixSocketRelay> relays = new ArrayList<>();
  private final List<AutoCloseable> stopOnClose = new ArrayList<>();
  private final List<String> executed = new ArrayList<>();
  private Process agent;
  private Path agentSocket;

  private NetnsSandbox(String name, Path workDir) {
    this.name = name;
    this.workDir = workDir;
  }

  /**
   * Creates a namespace with {@code lo} up. Fails under CI, and skips elsewhere, when not root or when
   * iproute2, iptables or setpriv are missing.
   */
  public static NetnsSandbox create() {
    checkPrerequisites(System.getenv());
    removeStaleNamespaces();
    String name = PREFIX + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
    Path workDir;
    try {
      workDir = Files.createTempDirectory("meshpilot-" + name + "-");
      Files.setPosixFilePermissions(workDir, PosixFilePermissions.fromString("rwxrwxrwx"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a directory for sandbox " + name, e);
    }
    NetnsSandbox sandbox = new NetnsSandbox(name, workDir);
    try {
      sandbox.host("ip", "netns", "add", name);
      sandbox.inside("ip", "link", "set", "lo", "up");
    } catch (RuntimeException e) {
      sandbox.close();
      throw e;
    }
    return sandbox;
  }

  static void checkPrerequisites(Map<String, String> env) {
    List<String> missing = new ArrayList<>();
    if (!"root".equals(System.getProperty("user.name"))) {
      missing.add("root (network namespaces and iptables need it)");
    }
    for (String tool : List.of("ip", "iptables", "setpriv", "timeout")) {
      if (!onPath(env, tool)) {
        missing.add(tool);
      }
    }
    if (!missing.isEmpty()) {
      throw MissingPeer.report(env, "the REDIRECT sandbox needs " + String.join(", ", missing) + "; "
          + MissingPeer.INSTALL_HINT);
    }
  }

  private static boolean onPath(Map<String, String> env, String tool) {
    String path = env.getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/bin:/bin";
    for (String dir : path.split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  /** Deletes namespaces with our prefix whose creating JVM is gone (never those of a running JVM). */
  static void removeStaleNamespaces() {
    HostCommand.Result list = HostCommand.run(COMMAND_TIMEOUT, "ip", "netns", "list");
    for (String line : list.stdout().split("\n")) {
      String ns = line.strip().split("\\s+", 2)[0];
      Matcher owned = OWNED.matcher(ns);
      if (owned.matches() && ProcessHandle.of(Long.parseLong(owned.group(1))).isEmpty()) {
        HostCommand.run(COMMAND_TIMEOUT, "ip", "netns", "delete", ns);
      }
    }
  }

  /** The namespace's name. */
  public String name() {
    return name;
  }

  /** A directory every uid may write to, deleted on close (Envoy's files, sockets). */
  public Path workDir() {
    return workDir;
  }

  /** Adds {@code ip}/32 (inside 127.0.0.0/8) to the namespace's {@code lo}. */
  public NetnsSandbox addLoopbackAddress(String ip) {
    if (!ip.startsWith("127.")) {
      throw new IllegalArgumentException("sandbox addresses stay in 127.0.0.0/8, not " + ip);
    }
    inside("ip", "addr", "add", ip + "/32", "dev", "lo");
    return this;
  }

  /**
   * Installs istio-init-like rules: all outbound TCP is redirected to {@value #OUTBOUND_CAPTURE_PORT},
   * except connections made by {@value #PROXY_UID} and those to 127.0.0.1.
   */
  public NetnsSandbox interceptOutbound() {
    inside("iptables", "-w", "-t", "nat", "-N", "MESHPILOT_OUTPUT");
    inside("iptables", "-w", "-t", "nat", "-A", "OUTPUT", "-p", "tcp", "-j", "MESHPILOT_OUTPUT");
    inside("iptables", "-w", "-t", "nat", "-A", "MESHPILOT_OUTPUT", "-m", "owner", "--uid-owner",
        Integer.toString(PROXY_UID), "-j", "RETURN");
    inside("iptables", "-w", "-t", "nat", "-A", "MESHPILOT_OUTPUT", "-d", "127.0.0.1/32", "-j", "RETURN");
    inside("iptables", "-w", "-t", "nat", "-A", "MESHPILOT_OUTPUT", "-p", "tcp", "-j", "REDIRECT",
        "--to-ports", Integer.toString(OUTBOUND_CAPTURE_PORT));
    return this;
  }

  /**
   * Redirects TCP to the pod's own {@code ip} to {@value #INBOUND_CAPTURE_PORT}, as istio-init's
   * inbound rules do, except connections {@value #PROXY_UID} makes (Envoy reaching the app). In one
   * namespace the "remote" client is local, so the rule sits first in OUTPUT, ahead of any outbound
   * capture.
   */
  public NetnsSandbox interceptInbound(String ip) {
    inside("iptables", "-w", "-t", "nat", "-I", "OUTPUT", "1", "-p", "tcp", "-d", ip + "/32", "-m", "owner", "!",
        "--uid-owner", Integer.toString(PROXY_UID),
        "-j", "REDIRECT", "--to-ports", Integer.toString(INBOUND_CAPTURE_PORT));
    return this;
  }

  /** The nat table as {@code iptables -S} prints it (for failure messages and reports). */
  public String natRules() {
    return inside("iptables", "-w", "-t", "nat", "-S").stdout();
  }

  /** Every command this sandbox ran, in order. */
  public List<String> executedCommands() {
    return List.copyOf(executed);
  }

  /** Runs a command inside the namespace as root; fails if it exits non-zero. */
  public HostCommand.Result inside(String... command) {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
    full.addAll(List.of(command));
    return run(full);
  }

  private HostCommand.Result host(String... command) {
    return run(List.of(command));
  }

  private HostCommand.Result run(List<String> command) {
    executed.add(String.join(" ", command));
    return HostCommand.run(COMMAND_TIMEOUT, command).orThrow();
  }

  /** The command prefix that runs a program inside the namespace as {@value #PROXY_UID}. */
  List<String> prefixAsProxyUser() {
    return List.of("ip", "netns", "exec", name, "setpriv", "--reuid=" + PROXY_UID, "--regid=" + PROXY_UID,
        "--clear-groups");
  }

  /**
   * A Unix socket in {@link #workDir()} that leads to {@code target} on the host; give it to
   * {@link EnvoyBootstrap#withAds(EnvoyBootstrap.AdsMode, Path)} so Envoy inside reaches meshpilot.
   */
  public Path bridgeToHost(InetSocketAddress target) {
    UnixSocketRelay relay = UnixSocketRelay.start(workDir.resolve("bridge-" + relays.size() + ".sock"), target);
    relays.add(relay);
    return relay.path();
  }

  /** Registers something running in the namespace (an Envoy) to be stopped before it is deleted. */
  synchronized void stopOnClose(AutoCloseable resource) {
    stopOnClose.add(resource);
  }

  // ---- workloads and clients inside the namespace, through the agent ----

  /** Starts an {@link HttpBackend} named {@code backendName} on {@code ip:port} inside the namespace. */
  public void startHttpBackend(String backendName, String ip, int port) {
    agent("http-backend", backendName, ip, Integer.toString(port));
  }

  /** Starts a {@link TcpEchoBackend} named {@code backendName} on {@code ip:port} inside the namespace. */
  public void startTcpBackend(String backendName, String ip, int port) {
    agent("tcp-backend", backendName, ip, Integer.toString(port));
  }

  /** Stops a backend started inside the namespace. */
  public void stopBackend(String backendName) {
    agent("stop", backendName);
  }

  /** Requests (HTTP) or connections (TCP) a backend inside the namespace has seen. */
  public int requestCount(String backendName) {
    return Integer.parseInt(agent("count", backendName));
  }

  /** A client call's outcome: the HTTP status and body, or the error that prevented one. */
  public record CallResult(int status, String body, String error) {
    public boolean failed() {
      return error != null;
    }
  }

  /**
   * A GET from inside the namespace to {@code ip:port} with the given Host header, as a pod's
   * application would make it (so it is intercepted). Connection failures are results, not exceptions.
   */
  public CallResult httpGet(String ip, int port, String hostHeader, String path) {
    String[] reply = agentRaw("http-get", ip, Integer.toString(port), hostHeader, path);
    if (reply[0].equals("ok")) {
      String[] statusAndBody = reply[1].split("\t", 2);
      return new CallResult(Integer.parseInt(statusAndBody[0]), statusAndBody.length > 1 ? statusAndBody[1] : "", null);
    }
    return new CallResult(0, "", reply[1]);
  }

  /** A TCP exchange from inside the namespace (see {@link TcpEchoBackend#call}); failures are results. */
  public CallResult tcpCall(String ip, int port, String message) {
    return tcpResult(agentRaw("tcp-call", ip, Integer.toString(port), message));
  }

  /**
   * A TCP exchange in which the client speaks first (see {@link TcpEchoBackend#call(java.net.InetSocketAddress,
   * String, java.time.Duration, boolean)}): what a port whose chains inspect the first bytes needs.
   */
  public CallResult tcpCallClientFirst(String ip, int port, String message) {
    return tcpResult(agentRaw("tcp-call", ip, Integer.toString(port), message, "client-first"));
  }

  private static CallResult tcpResult(String[] reply) {
    if (reply[0].equals("ok")) {
      String[] greetingAndEcho = reply[1].split("\t", 2);
      return new CallResult(0, greetingAndEcho[0], greetingAndEcho.length > 1 ? null : "no echo");
    }
    return new CallResult(0, "", reply[1]);
  }

  private String agent(String... command) {
    String[] reply = agentRaw(command);
    if (!reply[0].equals("ok")) {
      throw new IllegalStateException("netns agent `" + String.join(" ", command) + "` failed: " + reply[1]);
    }
    return reply[1];
  }

  private synchronized String[] agentRaw(String... command) {
    ensureAgent();
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(UnixDomainSocketAddress.of(agentSocket));
      OutputStream out = Channels.newOutputStream(channel);
      out.write((String.join("\t", command) + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
        try {
          return new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8))
              .readLine();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }, runnable -> Thread.ofVirtual().start(runnable));
      String reply = line.get(20, TimeUnit.SECONDS);
      if (reply == null) {
        throw new IllegalStateException("netns agent closed the connection on `" + String.join(" ", command) + "`");
      }
      return reply.split("\t", 2);
    } catch (IOException e) {
      throw new UncheckedIOException("netns agent unreachable", e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("netns agent did not answer `" + String.join(" ", command) + "`", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("netns agent call failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private void ensureAgent() {
    if (agent != null) {
      if (!agent.isAlive()) {
        throw new IllegalStateException("netns agent exited with " + agent.exitValue() + ": " + agentLog());
      }
      return;
    }
    agentSocket = workDir.resolve("agent.sock");
    String classes;
    try {
      classes = Path.of(NetnsAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of("timeout", "-k", "5",
        EnvoyProcess.MAX_LIFETIME.toSeconds() + "s", "ip", "netns", "exec", name,
        java, "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classes,
        NetnsAgent.class.getName(), agentSocket.toString()));
    executed.add(String.join(" ", command));
    try {
      agent = new ProcessBuilder(command).redirectError(workDir.resolve("agent.stderr").toFile()).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the netns agent", e);
    }
    CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
      try {
        return new BufferedReader(new InputStreamReader(agent.getInputStream(), StandardCharsets.UTF_8)).readLine();
      } catch (IOException e) {
        return null;
      }
    }, runnable -> Thread.ofVirtual().start(runnable));
    try {
      String line = ready.get(30, TimeUnit.SECONDS);
      if (!NetnsAgent.READY_LINE.equals(line)) {
        throw new IllegalStateException("netns agent did not start (said " + line + "): " + agentLog());
      }
    } catch (TimeoutException | ExecutionException e) {
      throw new IllegalStateException("netns agent did not start: " + agentLog(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private String agentLog() {
    try {
      Path log = workDir.resolve("agent.stderr");
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return "(unreadable)";
    }
  }

  /** Stops its Envoys, the agent and the relays and deletes the namespace (with its addresses and rules) and directory. */
  @Override
  public void close() {
    for (AutoCloseable resource : List.copyOf(stopOnClose)) {
      try {
        resource.close();
      } catch (Exception e) {
        // keep cleaning up
      }
    }
    if (agent != null) {
      try {
        agent.getOutputStream().close(); // the agent exits at end of input
        if (!agent.waitFor(5, TimeUnit.SECONDS)) {
          agent.descendants().forEach(ProcessHandle::destroyForcibly);
          agent.destroyForcibly();
        }
      } catch (IOException e) {
        agent.destroyForcibly();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        agent.destroyForcibly();
      }
    }
    relays.forEach(UnixSocketRelay::close);
    HostCommand.run(COMMAND_TIMEOUT, "ip", "netns", "delete", name);
    EnvoyProcess.deleteRecursively(workDir);
  }
}
