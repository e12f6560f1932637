package io.meshpilot.xds.server;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.meshpilot.xds.XdsEvents;
import io.meshpilot.xds.auth.AuthDecision;
import io.meshpilot.xds.auth.NodeClaim;
import io.meshpilot.xds.auth.SpiffeIdentity;
import io.meshpilot.xds.auth.XdsAuthInterceptor;
import io.meshpilot.xds.auth.XdsAuthenticator;
import io.meshpilot.xds.proxy.InvalidProxyException;
import io.meshpilot.xds.proxy.Proxy;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ADS gRPC service (state of the world and Delta), on Envoy's generated stubs: admits a new
 * stream (synced registry, admission rate), identifies its proxy from the first request's node,
 * and hands every request to that stream's {@link ProxyConnection}. java-control-plane's stream
 * layer is not used: it sends without regard to flow control and keeps its own copies of every
 * stream's resource names.
 */
final class AdsService {
  private static final Logger LOG = LoggerFactory.getLogger(AdsService.class);

  private final ResourceSource source;
  private final XdsEvents events;
  private final XdsCounters counters;
  private final Clock clock;
  private final BooleanSupplier ready;
  private final StreamAdmission admission;
  private final XdsAuthenticator authenticator;
  private final SendBudget budget;
  private final DebugGenerator debug;
  private final Map<String, ProxyConnection> connections = new ConcurrentHashMap<>();
  private final SyncStatusRegistry syncStatus;
  private final AtomicLong counter = new AtomicLong();
  // one for both listeners: their streams share the parsed name lists
  private final SotwRequestMarshaller sotwRequests = new SotwRequestMarshaller();

  AdsService(ResourceSource source, XdsEvents events, XdsCounters counters, Clock clock,
      BooleanSupplier ready, StreamAdmission admission, XdsAuthenticator authenticator, SendBudget budget,
      DebugGenerator debug) {
    this.source = source;
    this.events = events;
    this.counters = counters;
    this.clock = clock;
    this.ready = ready;
    this.admission = admission;
    this.authenticator = authenticator;
    this.budget = budget;
    this.debug = debug;
    this.syncStatus = new SyncStatusRegistry(connections, counters);
  }

  /** Connections by id. */
  Map<String, ProxyConnection> connections() {
    return connections;
  }

  /** The sync state of every connection (syncz, debug answers). */
  SyncStatusRegistry syncStatus() {
    return syncStatus;
  }

  /**
   * Envoy's AggregatedDiscoveryService, both methods, with responses written from their encoded
   * chunks ({@link WireResponse}); Delta requests are parsed as usual, SotW ones with their
   * repeated resource names shared ({@link SotwRequestMarshaller}).
   */
  ServerServiceDefinition definition() {
    return ServerServiceDefinition.builder(AggregatedDiscoveryServiceGrpc.SERVICE_NAME)
        .addMethod(wire(AggregatedDiscoveryServiceGrpc.getStreamAggregatedResourcesMethod(), sotwRequests),
            ServerCalls.asyncBidiStreamingCall(this::streamAggregatedResources))
        .addMethod(wire(AggregatedDiscoveryServiceGrpc.getDeltaAggregatedResourcesMethod(),
            ProtoUtils.marshaller(DeltaDiscoveryRequest.getDefaultInstance())),
            ServerCalls.asyncBidiStreamingCall(this::deltaAggregatedResources))
        .build();
  }

  /** Envoy's method with its responses written as {@link WireResponse}s. */
  private static <Q> MethodDescriptor<Q, WireResponse> wire(MethodDescriptor<Q, ?> method,
      MethodDescriptor.Marshaller<Q> requests) {
    return method.toBuilder(requests, WireResponse.MARSHALLER).build();
  }

  private StreamObserver<DiscoveryRequest> streamAggregatedResources(StreamObserver<WireResponse> responses) {
    Stream<DiscoveryRequest> stream = new Stream<>((ServerCallStreamObserver<?>) responses, false) {
      @Override
      Node node(DiscoveryRequest request) {
        return request.getNode();
      }

      @Override
      void handle(ProxyConnection connection, DiscoveryRequest request) {
        if (XdsType.ofTypeUrl(request.getTypeUrl()).isPresent()
            || !answerDebug(connection, request.getTypeUrl(), request.getResourceNamesList())) {
          connection.onRequest(request);
        }
      }
    };
    return stream.start();
  }

  private StreamObserver<DeltaDiscoveryRequest> deltaAggregatedResources(StreamObserver<WireResponse> responses) {
    Stream<DeltaDiscoveryRequest> stream = new Stream<>((ServerCallStreamObserver<?>) responses, true) {
      @Override
      Node node(DeltaDiscoveryRequest request) {
        return request.getNode();
      }

      @Override
      void handle(ProxyConnection connection, DeltaDiscoveryRequest request) {
        connection.onDeltaRequest(request);
      }
    };
    return stream.start();
  }

  /** One call: refused, or bound to its connection once the first request names the node. */
  private abstract class Stream<Q> implements StreamObserver<Q> {
    private final ServerCallStreamObserver<?> call;
    private final boolean delta;
    private final String peer;
    private volatile ProxyConnection connection;
    // Who the caller proved to be when its stream was admitted (debug answers are scoped by it).
    private volatile List<SpiffeIdentity> identities = List.of();
    private volatile boolean ended;

    Stream(ServerCallStreamObserver<?> call, boolean delta) {
      this.call = call;
      this.delta = delta;
      this.peer = StreamContext.current().map(StreamHandle::peer).orElse("");
    }

    abstract Node node(Q request);

    abstract void handle(ProxyConnection connection, Q request);

    StreamObserver<Q> start() {
      call.setOnCancelHandler(this::end);
      // The call's context is cancelled when the call ends however it ends (a server-side close
      // in a drain included, which reaches neither the cancel handler nor onError).
      io.grpc.Context.current().addListener(context -> end(), Runnable::run);
      call.setOnReadyHandler(() -> {
        ProxyConnection c = connection;
        if (c != null) {
          c.onReady();
        }
      });
      if (!ready.getAsBoolean()) {
        // As istiod: a replica that has not listed its sources would serve an empty mesh and wipe
        // the config of every proxy that reconnects to it.
        refuse(Status.UNAVAILABLE, "control plane not ready: the registry has not synced yet");
      } else if (!admission.tryAdmit()) {
        refuse(Status.RESOURCE_EXHAUSTED, "too many new xDS streams (PILOT_MAX_REQUESTS_PER_SECOND), retry later");
      }
      return this;
    }

    @Override
    public void onNext(Q request) {
      if (ended) {
        return;
      }
      ProxyConnection c = connection;
      if (c == null) {
        c = identify(node(request));
        if (c == null) {
          return;
        }
      }
      handle(c, request);
    }

    @Override
    public void onError(Throwable error) {
      end();
    }

    @Override
    public void onCompleted() {
      end();
      try {
        call.onCompleted();
      } catch (RuntimeException e) {
        LOG.debug("ADS: completing {} failed: {}", peer, e.toString());
      }
    }

    private ProxyConnection identify(Node node) {
      if (node.getId().isEmpty()) {
        refuse(Status.INVALID_ARGUMENT, "the first request must carry node.id");
        return null;
      }
      Proxy proxy;
      try {
        proxy = source.proxy(node);
      } catch (InvalidProxyException e) {
        refuse(Status.INVALID_ARGUMENT, "invalid node " + node.getId() + ": " + e.getMessage());
        return null;
      }
      AuthDecision decision = authenticator.authenticate(XdsAuthInterceptor.current(), NodeClaim.of(proxy, node));
      if (decision instanceof AuthDecision.Refused refused) {
        refuse(refused.code(), refused.reason(), "for node " + node.getId() + ": " + refused.reason());
        return null;
      }
      identities = ((AuthDecision.Allowed) decision).identities();
      String id = proxy.id() + "-" + counter.incrementAndGet();
      @SuppressWarnings("unchecked")
      ServerCallStreamObserver<WireResponse> out = (ServerCallStreamObserver<WireResponse>) call;
      ProxyConnection created = new ProxyConnection(id, proxy, peer, clock.instant(), delta, source, events,
          counters, clock, new ProxyConnection.Sender() {
            @Override
            public boolean isReady() {
              return out.isReady();
            }

            @Override
            public void send(WireResponse response) {
              out.onNext(response);
            }
          }, budget);
      connection = created;
      connections.put(id, created);
      events.proxyConnected(proxy.istioVersion());
      LOG.info("ADS: new {} connection {} from {}", delta ? "delta" : "sotw", id, peer);
      if (ended) {
        end(created);
      }
      return created;
    }

    /**
     * Answers a debug-over-xDS request (istioctl) if the debug generator serves its type; a
     * refusal (no verified identity) ends the stream with its status, as istiod's does.
     *
     * @return false if the type is not a debug type meshpilot serves
     */
    boolean answerDebug(ProxyConnection c, String typeUrl, List<String> names) {
      Optional<DebugResponse> answer;
      try {
        answer = debug.generate(new DebugRequest(typeUrl, names, c.proxy(), identities, syncStatus));
      } catch (StatusRuntimeException e) {
        Status status = e.getStatus();
        refuse(status.getCode(), Objects.requireNonNullElse(status.getDescription(), ""),
            typeUrl + " for " + c.id() + ": " + status.getDescription());
        return true;
      } catch (RuntimeException e) {
        // only this debug stream ends; the proxies' streams are not touched
        refuse(Status.Code.INTERNAL, "generating " + typeUrl + " failed: " + e,
            typeUrl + " for " + c.id() + ": generating it failed: " + e);
        return true;
      }
      answer.ifPresent(a -> c.sendDebug(typeUrl, a));
      return answer.isPresent();
    }

    private void refuse(Status status, String reason) {
      refuse(status.getCode(), reason, reason);
    }

    /** Ends the call with {@code code} and {@code description}; {@code logged} says why in the log. */
    private void refuse(Status.Code code, String description, String logged) {
      LOG.warn("ADS: refused stream from {}: {}", peer, logged);
      ended = true;
      try {
        call.onError(Status.fromCode(code).withDescription(description).asRuntimeException());
      } catch (RuntimeException e) {
        LOG.debug("ADS: refusing {} failed: {}", peer, e.toString());
      }
    }

    private void end() {
      ended = true;
      ProxyConnection c = connection;
      if (c != null) {
        end(c);
      }
    }

    private void end(ProxyConnection c) {
      if (connections.remove(c.id(), c)) {
        c.close();
        events.proxyDisconnected(c.proxy().istioVersion());
        LOG.info("ADS: connection {} closed", c.id());
      }
    }
  }

  /** Connection ids, sorted. */
  List<String> connectionIds() {
    return connections.keySet().stream().sorted().toList();
  }
}
