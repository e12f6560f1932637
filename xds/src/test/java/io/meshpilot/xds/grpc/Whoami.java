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

  /** The service answering with {@code name}, counting the calls it served. */
  static ServerServiceDefinition service(String name, AtomicInteger calls) {
    return ServerServiceDefinition.builder(SERVICE)
        .addMethod(NAME, ServerCalls.asyncUnaryCall((request, response) -> {
          calls.incrementAndGet();
          response.onNext(name);
          response.onCompleted();
        }))
        .build();
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
