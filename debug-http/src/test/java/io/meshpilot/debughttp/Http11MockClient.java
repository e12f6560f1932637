package io.meshpilot.debughttp;

import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.net.http.HttpClient;
import java.util.function.Consumer;

/**
 * Makes test clients of fabric8's mock server speak HTTP/1.1: the JDK client's h2c upgrade
 * occasionally hangs against the mock (see the registry tests' twin of this class).
 */
public final class Http11MockClient implements Consumer<KubernetesClientBuilder> {
  @Override
  public void accept(KubernetesClientBuilder builder) {
    builder.withHttpClientFactory(new JdkHttpClientFactory() {
      @Override
      protected void additionalConfig(HttpClient.Builder http) {
        http.version(HttpClient.Version.HTTP_1_1);
      }
    });
  }
}
