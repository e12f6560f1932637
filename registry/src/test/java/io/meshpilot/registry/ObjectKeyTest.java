package io.meshpilot.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ObjectKeyTest {
  @Test
  void printsKindAndNamespacedName() {
    assertThat(new ObjectKey("ServiceEntry", "default", "ext")).hasToString("ServiceEntry default/ext");
    assertThat(new ObjectKey("Node", null, "n1")).hasToString("Node n1");
  }

  @Test
  void namespacedObjectWithoutNamespaceIsInDefaultAndNodesHaveNone() {
    var service = new io.fabric8.kubernetes.api.model.ServiceBuilder().withNewMetadata().withName("a").endMetadata().build();
    var node = new io.fabric8.kubernetes.api.model.NodeBuilder().withNewMetadata().withName("n").withNamespace("x")
        .endMetadata().build();
    assertThat(ObjectKey.of(service)).isEqualTo(new ObjectKey("Service", "default", "a"));
    assertThat(ObjectKey.of(node)).isEqualTo(new ObjectKey("Node", "", "n"));
  }
}
