package io.meshpilot.registry.validation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DnsNamesTest {

  @ParameterizedTest
  @ValueSource(strings = {"a", "web", "Web-1", "1abc", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
  void acceptsLabels(String value) {
    assertThat(DnsNames.isLabel(value)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-web", "web-", "we_b", "we.b", "*", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
  void rejectsNonLabels(String value) {
    assertThat(DnsNames.isLabel(value)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"*", "*foo", "*-foo", "foo"})
  void acceptsWildcardFirstLabels(String value) {
    assertThat(DnsNames.isWildcardLabel(value)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"foo*", "f*o", "**", "*_foo", "*."})
  void rejectsOtherWildcardLabels(String value) {
    assertThat(DnsNames.isWildcardLabel(value)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"*.example.com", "*foo.example.com", "example.com.", "localhost", "*", "a.b.c.d.e"})
  void acceptsWildcardDomains(String value) {
    assertThat(DnsNames.wildcardDomainProblem(value)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"example.123", "a.*.com", "a..b", ".a", "a.b..", "a_b.com"})
  void rejectsBadDomains(String value) {
    assertThat(DnsNames.wildcardDomainProblem(value)).isPresent();
  }

  @ParameterizedTest
  @ValueSource(strings = {"*.example.com", "*"})
  void fqdnsHaveNoWildcards(String value) {
    assertThat(DnsNames.fqdnProblem(value)).isPresent();
  }
}
