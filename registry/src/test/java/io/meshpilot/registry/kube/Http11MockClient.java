package io.meshpilot.registry.kube;

import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.net.http.HttpClient;
import java.util.function.Consumer;

/**
 * Makes test clients of fabric8's mock server speak HTTP/1.1. The JDK client otherwise tries an
 * h2c upgrade, which the mock (Vert.x) occasionally leaves hanging: a request then stalls for
 * its 30 s timeout and its retry fails with 409 Conflict. Watches use WebSockets over HTTP/1.1 anyway.
 */
public final class Http11MockClient implements Consumer<KubernetesClientBuilder> {
  @Override
  public void accept(KubernetesClientBuilder builder) {
    builder.withHttpClientFactory(factory());
  }

  static JdkHttpClientFactory factory() {
    return new JdkHttpClientFactory() {
      @Override
      protected void additionalConfig(HttpClient.Builder builder) {
        builder.version(HttpClient.Version.HTTP_1_1);
      }
    };
  }
}
