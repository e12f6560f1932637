package io.meshpilot.xds.grpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A one-method gRPC service, {@code meshpilot.test.Whoami/Name}, that answers with the name of the
 * backend serving it: the tests see where each RPC landed without generated stubs.
 */
final class Whoami {
  static final String SERVICE = "meshpilot.test.Whoami";
  static final MethodDescriptor<String, String> NAME = MethodDescriptor.<String, String>newBuilder()
      .setType(MethodDescriptor.MethodType.UNARY)
      .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Name"))
      .setRequestMarshaller(Utf8.INSTANCE)
      .setResponseMarshaller(Utf8.INSTANCE)
      .build();

  private Whoami() {}

  /**
   * The service answering with {@code name}, counting the calls it served. Two requests misbehave
   * on purpose: {@code fail-first} fails its first call with UNAVAILABLE (a retry succeeds),
   * {@code hang} never answers.
   */
  static ServerServiceDefinition service(String name, AtomicInteger calls) {
    java.util.concurrent.atomic.AtomicBoolean failed = new java.util.concurrent.atomic.AtomicBoolean();
    return ServerServiceDefinition.builder(SERVICE)
        .addMethod(NAME, ServerCalls.asyncUnaryCall((request, response) -> {
          calls.incrementAndGet();
          if (request.equals("hang")) {
            return;
          }
          if (request.equals("fail-first") && failed.compareAndSet(false, true)) {
            response.onError(io.grpc.Status.UNAVAILABLE.withDescription("first attempt fails").asRuntimeException());
            return;
          }
          response.onNext(name);
          response.onCompleted();
        }))
        .build();
  }

  /** One call with this request and these metadata headers; the name of the backend that answered. */
  static String call(Channel channel, String request, java.util.Map<String, String> headers) {
    return call(channel, request, headers, CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS));
  }

  /** One call with these options (a call without a deadline ends only when the route's timeout does). */
  static String call(Channel channel, String request, java.util.Map<String, String> headers, CallOptions options) {
    io.grpc.Metadata metadata = new io.grpc.Metadata();
    headers.forEach((k, v) -> metadata.put(io.grpc.Metadata.Key.of(k, io.grpc.Metadata.ASCII_STRING_MARSHALLER), v));
    Channel intercepted = io.grpc.ClientInterceptors.intercept(channel,
        io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(metadata));
    return ClientCalls.blockingUnaryCall(intercepted, NAME, options, request);
  }

  /** One call; the name of the backend that answered. */
  static String call(Channel channel) {
    return ClientCalls.blockingUnaryCall(channel, NAME, CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), "");
  }

  private enum Utf8 implements MethodDescriptor.Marshaller<String> {
    INSTANCE;

    @Override
    public InputStream stream(String value) {
      return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String parse(InputStream stream) {
      try {
        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
