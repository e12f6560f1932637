package io.meshpilot.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ObjectKeyTest {
  @Test
  void printsKindAndNamespacedName() {
    assertThat(new ObjectKey("ServiceEntry", "default", "ext")).hasToString("ServiceEntry default/ext");
    assertThat(new ObjectKey("Node", null, "n1")).hasToString("Node n1");
  }
}
