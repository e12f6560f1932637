package io.meshpilot.controlplane.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A unified diff of two texts, line by line, with the matching rules of Python's {@code difflib}
 * (longest matching blocks, "popular" lines of a 200+ line text ignored as anchors), which is what
 * istioctl's Go port produces, so hunks fall where istioctl puts them.
 */
final class UnifiedDiff {
  private static final int AUTOJUNK_MIN_LINES = 200;

  private UnifiedDiff() {}

  /**
   * The diff of {@code a} to {@code b}, or {@code ""} when they are equal.
   *
   * @param fromLabel the {@code ---} label
   * @param toLabel the {@code +++} label
   * @param context lines of unchanged context around each change
   */
  static String diff(String a, String b, String fromLabel, String toLabel, int context) {
    List<String> left = lines(a);
    List<String> right = lines(b);
    StringBuilder out = new StringBuilder();
    for (List<Opcode> group : new Matcher(left, right).groupedOpcodes(context)) {
      if (out.isEmpty()) {
        out.append("--- ").append(fromLabel).append('\n');
        out.append("+++ ").append(toLabel).append('\n');
      }
      Opcode first = group.get(0);
      Opcode last = group.get(group.size() - 1);
      out.append("@@ -").append(range(first.i1, last.i2)).append(" +").append(range(first.j1, last.j2)).append(" @@\n");
      for (Opcode op : group) {
        if (op.tag == Tag.EQUAL) {
          left.subList(op.i1, op.i2).forEach(line -> out.append(' ').append(line));
          continue;
        }
        if (op.tag == Tag.REPLACE || op.tag == Tag.DELETE) {
          left.subList(op.i1, op.i2).forEach(line -> out.append('-').append(line));
        }
        if (op.tag == Tag.REPLACE || op.tag == Tag.INSERT) {
          right.subList(op.j1, op.j2).forEach(line -> out.append('+').append(line));
        }
      }
    }
    return out.toString();
  }

  /** Lines with their {@code \n}; the last one gets one too (go-difflib's SplitLines). */
  static List<String> lines(String text) {
    List<String> lines = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        lines.add(text.substring(start, i + 1));
        start = i + 1;
      }
    }
    lines.add(text.substring(start) + "\n");
    return lines;
  }

  private static String range(int start, int stop) {
    int beginning = start + 1;
    int length = stop - start;
    if (length == 1) {
      return Integer.toString(beginning);
    }
    if (length == 0) {
      beginning--;
    }
    return beginning + "," + length;
  }

  private enum Tag { EQUAL, REPLACE, DELETE, INSERT }

  private record Opcode(Tag tag, int i1, int i2, int j1, int j2) {}

  private record Match(int i, int j, int size) {}

  /** Finds the matching blocks of two line lists. */
  private static final class Matcher {
    private final List<String> a;
    private final List<String> b;
    private final Map<String, List<Integer>> bIndex = new HashMap<>();

    Matcher(List<String> a, List<String> b) {
      this.a = a;
      this.b = b;
      for (int j = 0; j < b.size(); j++) {
        bIndex.computeIfAbsent(b.get(j), k -> new ArrayList<>()).add(j);
      }
      if (b.size() >= AUTOJUNK_MIN_LINES) {
        int limit = b.size() / 100 + 1;
        Set<String> popular = new HashSet<>();
        bIndex.forEach((line, at) -> {
          if (at.size() > limit) {
            popular.add(line);
          }
        });
        popular.forEach(bIndex::remove);
      }
    }

    private Match longestMatch(int alo, int ahi, int blo, int bhi) {
      int besti = alo;
      int bestj = blo;
      int bestSize = 0;
      Map<Integer, Integer> lengthEndingAt = new HashMap<>();
      for (int i = alo; i < ahi; i++) {
        Map<Integer, Integer> next = new HashMap<>();
        for (int j : bIndex.getOrDefault(a.get(i), List.of())) {
          if (j < blo) {
            continue;
          }
          if (j >= bhi) {
            break;
          }
          int k = lengthEndingAt.getOrDefault(j - 1, 0) + 1;
          next.put(j, k);
          if (k > bestSize) {
            besti = i - k + 1;
            bestj = j - k + 1;
            bestSize = k;
          }
        }
        lengthEndingAt = next;
      }
      // grow over the popular lines that were not indexed
      while (besti > alo && bestj > blo && a.get(besti - 1).equals(b.get(bestj - 1))) {
        besti--;
        bestj--;
        bestSize++;
      }
      while (besti + bestSize < ahi && bestj + bestSize < bhi && a.get(besti + bestSize).equals(b.get(bestj + bestSize))) {
        bestSize++;
      }
      return new Match(besti, bestj, bestSize);
    }

    private List<Match> matchingBlocks() {
      List<Match> blocks = new ArrayList<>();
      List<int[]> queue = new ArrayList<>();
      queue.add(new int[] {0, a.size(), 0, b.size()});
      while (!queue.isEmpty()) {
        int[] q = queue.remove(queue.size() - 1);
        Match m = longestMatch(q[0], q[1], q[2], q[3]);
        if (m.size > 0) {
          blocks.add(m);
          if (q[0] < m.i && q[2] < m.j) {
            queue.add(new int[] {q[0], m.i, q[2], m.j});
          }
          if (m.i + m.size < q[1] && m.j + m.size < q[3]) {
            queue.add(new int[] {m.i + m.size, q[1], m.j + m.size, q[3]});
          }
        }
      }
      blocks.sort(Comparator.comparingInt(Match::i).thenComparingInt(Match::j).thenComparingInt(Match::size));
      List<Match> merged = new ArrayList<>();
      int i1 = 0;
      int j1 = 0;
      int k1 = 0;
      for (Match m : blocks) {
        if (i1 + k1 == m.i && j1 + k1 == m.j) {
          k1 += m.size;
        } else {
          if (k1 > 0) {
            merged.add(new Match(i1, j1, k1));
          }
          i1 = m.i;
          j1 = m.j;
          k1 = m.size;
        }
      }
      if (k1 > 0) {
        merged.add(new Match(i1, j1, k1));
      }
      merged.add(new Match(a.size(), b.size(), 0));
      return merged;
    }

    private List<Opcode> opcodes() {
      List<Opcode> codes = new ArrayList<>();
      int i = 0;
      int j = 0;
      for (Match m : matchingBlocks()) {
        Tag tag = i < m.i && j < m.j ? Tag.REPLACE : i < m.i ? Tag.DELETE : j < m.j ? Tag.INSERT : null;
        if (tag != null) {
          codes.add(new Opcode(tag, i, m.i, j, m.j));
        }
        i = m.i + m.size;
        j = m.j + m.size;
        if (m.size > 0) {
          codes.add(new Opcode(Tag.EQUAL, m.i, i, m.j, j));
        }
      }
      return codes;
    }

    List<List<Opcode>> groupedOpcodes(int n) {
      List<Opcode> codes = new ArrayList<>(opcodes());
      if (codes.isEmpty()) {
        codes.add(new Opcode(Tag.EQUAL, 0, 1, 0, 1));
      }
      Opcode first = codes.get(0);
      if (first.tag == Tag.EQUAL) {
        codes.set(0, new Opcode(Tag.EQUAL, Math.max(first.i1, first.i2 - n), first.i2,
            Math.max(first.j1, first.j2 - n), first.j2));
      }
      Opcode last = codes.get(codes.size() - 1);
      if (last.tag == Tag.EQUAL) {
        codes.set(codes.size() - 1, new Opcode(Tag.EQUAL, last.i1, Math.min(last.i2, last.i1 + n),
            last.j1, Math.min(last.j2, last.j1 + n)));
      }
      List<List<Opcode>> groups = new ArrayList<>();
      List<Opcode> group = new ArrayList<>();
      for (Opcode op : codes) {
        int i1 = op.i1;
        int j1 = op.j1;
        if (op.tag == Tag.EQUAL && op.i2 - op.i1 > 2 * n) {
          group.add(new Opcode(Tag.EQUAL, i1, Math.min(op.i2, i1 + n), j1, Math.min(op.j2, j1 + n)));
          groups.add(group);
          group = new ArrayList<>();
          i1 = Math.max(i1, op.i2 - n);
          j1 = Math.max(j1, op.j2 - n);
        }
        group.add(new Opcode(op.tag, i1, op.i2, j1, op.j2));
      }
      if (!group.isEmpty() && !(group.size() == 1 && group.get(0).tag == Tag.EQUAL)) {
        groups.add(group);
      }
      return groups;
    }
  }
}
