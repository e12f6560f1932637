package io.meshpilot.controlplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Each kind of Envoy route matcher against requests that do and do not satisfy it. */
class RouteMatcherTest {
  private static JsonNode json(String text) {
    return JsonText.parse(text);
  }

  private static TraceRequest request(String url, String... headers) {
    return TraceRequest.of(TraceTarget.parse(url), "GET", List.of(headers));
  }

  private static boolean matches(String match, TraceRequest request) {
    return RouteMatcher.evaluate(json(match), request).matched();
  }

  private static boolean header(String matcher, String... headers) {
    return RouteMatcher.headerMatches(json(matcher), request("http://reviews:9080/", headers));
  }

  @Nested
  class Paths {
    @Test
    void prefixMatchesTheStartOfThePathWithoutItsQuery() {
      assertThat(matches("{\"prefix\": \"/reviews\"}", request("http://reviews/reviews/1?x=/other"))).isTrue();
      assertThat(matches("{\"prefix\": \"/reviews\"}", request("http://reviews/ratings?x=/reviews"))).isFalse();
    }

    @Test
    void prefixIsCaseSensitiveUnlessTurnedOff() {
      assertThat(matches("{\"prefix\": \"/Reviews\"}", request("http://reviews/reviews/1"))).isFalse();
      assertThat(matches("{\"prefix\": \"/Reviews\", \"caseSensitive\": false}", request("http://reviews/reviews/1")))
          .isTrue();
    }

    @Test
    void pathMatchesTheWholePathOnly() {
      assertThat(matches("{\"path\": \"/reviews\"}", request("http://reviews/reviews?x=1"))).isTrue();
      assertThat(matches("{\"path\": \"/reviews\"}", request("http://reviews/reviews/1"))).isFalse();
      assertThat(matches("{\"path\": \"/REVIEWS\", \"caseSensitive\": false}", request("http://reviews/reviews"))).isTrue();
    }

    @Test
    void pathSeparatedPrefixMatchesWholeSegmentsOnly() {
      String match = "{\"pathSeparatedPrefix\": \"/api\"}";
      assertThat(matches(match, request("http://reviews/api"))).isTrue();
      assertThat(matches(match, request("http://reviews/api/v1?q=1"))).isTrue();
      assertThat(matches(match, request("http://reviews/apiv1"))).isFalse();
    }

    @Test
    void safeRegexMatchesTheWholePathAndIgnoresCaseSensitive() {
      String match = "{\"safeRegex\": {\"regex\": \"/reviews/[0-9]+\"}, \"caseSensitive\": false}";
      assertThat(matches(match, request("http://reviews/reviews/12?x=a"))).isTrue();
      assertThat(matches(match, request("http://reviews/reviews/12/x"))).isFalse();
      assertThat(matches(match, request("http://reviews/REVIEWS/12"))).isFalse();
    }

    @Test
    void failedPathIsNamedInTheVerdict() {
      RouteMatcher.Verdict verdict = RouteMatcher.evaluate(json("{\"prefix\": \"/a\"}"), request("http://r/b"));

      assertThat(verdict.failed()).isEqualTo("prefix /a does not match path /b");
    }
  }

  @Nested
  class Headers {
    @Test
    void exactMatchesTheWholeValue() {
      String matcher = "{\"name\": \"end-user\", \"stringMatch\": {\"exact\": \"jason\"}}";
      assertThat(header(matcher, "end-user: jason")).isTrue();
      assertThat(header(matcher, "End-User: jason2")).isFalse();
      assertThat(header(matcher)).isFalse();
    }

    @Test
    void ignoreCaseAppliesToTheValue() {
      assertThat(header("{\"name\": \"end-user\", \"stringMatch\": {\"exact\": \"Jason\", \"ignoreCase\": true}}",
          "end-user: jason")).isTrue();
    }

    @Test
    void prefixSuffixAndContains() {
      assertThat(header("{\"name\": \"x\", \"stringMatch\": {\"prefix\": \"ab\"}}", "x: abc")).isTrue();
      assertThat(header("{\"name\": \"x\", \"stringMatch\": {\"prefix\": \"bc\"}}", "x: abc")).isFalse();
      assertThat(header("{\"name\": \"x\", \"stringMatch\": {\"suffix\": \"bc\"}}", "x: abc")).isTrue();
      assertThat(header("{\"name\": \"x\", \"stringMatch\": {\"suffix\": \"BC\", \"ignoreCase\": true}}", "x: abc")).isTrue();
      assertThat(header("{\"name\": \"x\", \"stringMatch\": {\"suffix\": \"ab\"}}", "x: abc")).isFalse();
      assertThat(header("{\"name\": \"x\", \"stringMatch\": {\"contains\": \"b\"}}", "x: abc")).isTrue();
      assertThat(header("{\"name\": \"x\", \"stringMatch\": {\"contains\": \"d\"}}", "x: abc")).isFalse();
    }

    @Test
    void regexMatchesTheWholeValue() {
      String matcher = "{\"name\": \"x\", \"stringMatch\": {\"safeRegex\": {\"regex\": \"v[12]\"}}}";
      assertThat(header(matcher, "x: v2")).isTrue();
      assertThat(header(matcher, "x: v21")).isFalse();
    }

    @Test
    void presentMatchesAnyValueButNotAMissingHeader() {
      String matcher = "{\"name\": \"x\", \"presentMatch\": true}";
      assertThat(header(matcher, "x: ")).isTrue();
      assertThat(header(matcher)).isFalse();
    }

    @Test
    void invertedMatcherPassesAMissingHeader() {
      String matcher = "{\"name\": \"end-user\", \"stringMatch\": {\"exact\": \"jason\"}, \"invertMatch\": true}";
      assertThat(header(matcher)).isTrue();
      assertThat(header(matcher, "end-user: mike")).isTrue();
      assertThat(header(matcher, "end-user: jason")).isFalse();
    }

    @Test
    void missingHeaderAsEmptyIsMatchedAsTheEmptyValue() {
      // istiod's withoutHeaders: invert + treat_missing_header_as_empty
      String matcher = "{\"name\": \"x\", \"stringMatch\": {\"prefix\": \"\"}, \"invertMatch\": true,"
          + " \"treatMissingHeaderAsEmpty\": true}";
      assertThat(header(matcher)).isFalse();
      String exact = "{\"name\": \"x\", \"stringMatch\": {\"exact\": \"a\"}, \"invertMatch\": true,"
          + " \"treatMissingHeaderAsEmpty\": true}";
      assertThat(header(exact)).isTrue();
    }

    @Test
    void repeatedHeadersAreMatchedJoinedWithComma() {
      assertThat(header("{\"name\": \"x\", \"stringMatch\": {\"exact\": \"a,b\"}}", "x: a", "x: b")).isTrue();
    }

    @Test
    void deprecatedSpecifiersAndRange() {
      assertThat(header("{\"name\": \"x\", \"exactMatch\": \"a\"}", "x: a")).isTrue();
      assertThat(header("{\"name\": \"x\", \"safeRegexMatch\": {\"regex\": \"a.\"}}", "x: ab")).isTrue();
      assertThat(header("{\"name\": \"x\", \"rangeMatch\": {\"start\": \"10\", \"end\": \"20\"}}", "x: 19")).isTrue();
      assertThat(header("{\"name\": \"x\", \"rangeMatch\": {\"start\": \"10\", \"end\": \"20\"}}", "x: 20")).isFalse();
    }

    @Test
    void methodAndAuthorityArePseudoHeaders() {
      TraceRequest post = TraceRequest.of(TraceTarget.parse("http://reviews:9080/"), "post", List.of());
      assertThat(RouteMatcher.headerMatches(json("{\"name\": \":method\", \"stringMatch\": {\"exact\": \"POST\"}}"), post))
          .isTrue();
      assertThat(RouteMatcher.headerMatches(json("{\"name\": \":method\", \"stringMatch\": {\"exact\": \"GET\"}}"), post))
          .isFalse();
      assertThat(header("{\"name\": \":authority\", \"stringMatch\": {\"prefix\": \"reviews:\"}}")).isTrue();
      assertThat(header("{\"name\": \":authority\", \"stringMatch\": {\"exact\": \"other\"}}", "Host: other")).isTrue();
    }

    @Test
    void failedHeaderIsNamedWithTheValueSeen() {
      RouteMatcher.Verdict verdict = RouteMatcher.evaluate(json(
          "{\"prefix\": \"/\", \"headers\": [{\"name\": \"end-user\", \"stringMatch\": {\"exact\": \"jason\"}}]}"),
          request("http://r/", "end-user: mike"));

      assertThat(verdict.failed()).isEqualTo("header end-user exact \"jason\" does not match \"mike\"");
    }
  }

  @Nested
  class QueryParameters {
    private boolean query(String matcher, String url) {
      return RouteMatcher.queryParameterMatches(json(matcher), TraceTarget.parse(url).query());
    }

    @Test
    void stringMatchOnTheFirstDecodedValue() {
      String matcher = "{\"name\": \"user\", \"stringMatch\": {\"exact\": \"a b\"}}";
      assertThat(query(matcher, "http://r/?user=a%20b&user=c")).isTrue();
      assertThat(query(matcher, "http://r/?user=c&user=a%20b")).isFalse();
      assertThat(query(matcher, "http://r/?other=a%20b")).isFalse();
    }

    @Test
    void plusIsNotASpace() {
      assertThat(query("{\"name\": \"q\", \"stringMatch\": {\"exact\": \"a+b\"}}", "http://r/?q=a+b")).isTrue();
    }

    @Test
    void presentMatchNeedsTheParameterOnly() {
      assertThat(query("{\"name\": \"debug\", \"presentMatch\": true}", "http://r/?debug")).isTrue();
      assertThat(query("{\"name\": \"debug\", \"presentMatch\": true}", "http://r/")).isFalse();
    }

    @Test
    void regexAndPrefix() {
      assertThat(query("{\"name\": \"v\", \"stringMatch\": {\"safeRegex\": {\"regex\": \"[0-9]+\"}}}", "http://r/?v=42"))
          .isTrue();
      assertThat(query("{\"name\": \"v\", \"stringMatch\": {\"prefix\": \"4\"}}", "http://r/?v=42")).isTrue();
    }
  }

  @Test
  void everyConditionMustHold() {
    String match = "{\"prefix\": \"/\", \"headers\": [{\"name\": \"a\", \"presentMatch\": true}],"
        + " \"queryParameters\": [{\"name\": \"b\", \"presentMatch\": true}]}";
    assertThat(matches(match, request("http://r/?b=1", "a: 1"))).isTrue();
    assertThat(matches(match, request("http://r/?b=1"))).isFalse();
    assertThat(matches(match, request("http://r/", "a: 1"))).isFalse();
  }

  @Test
  void conditionsTheTraceCannotKnowAreAssumedAndSaidSo() {
    RouteMatcher.Verdict verdict = RouteMatcher.evaluate(json(
        "{\"prefix\": \"/\", \"runtimeFraction\": {\"defaultValue\": {\"numerator\": 50}}}"), request("http://r/"));

    assertThat(verdict.matched()).isTrue();
    assertThat(verdict.assumed()).containsExactly("runtimeFraction {\"defaultValue\":{\"numerator\":50}}");
  }

  @Test
  void describeListsEveryCondition() {
    assertThat(RouteMatcher.describe(json("{\"prefix\": \"/a\", \"caseSensitive\": false, \"headers\": ["
        + "{\"name\": \"end-user\", \"stringMatch\": {\"exact\": \"jason\"}},"
        + "{\"name\": \"x\", \"presentMatch\": true, \"invertMatch\": true}],"
        + " \"queryParameters\": [{\"name\": \"q\", \"stringMatch\": {\"prefix\": \"1\"}}]}")))
        .isEqualTo("prefix /a (case-insensitive), header end-user exact \"jason\", header x not present, query q prefix \"1\"");
  }

  @Test
  void badHeaderLineIsACliError() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> request("http://r/", "no-colon"))
        .isInstanceOf(CliException.class).hasMessageContaining("'Name: value'");
    assertThat(request("http://r/", "X-Empty;").header("x-empty")).contains("");
  }
}
