package io.meshpilot.controlplane.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * A table laid out as Go's {@code text/tabwriter} does with minwidth 0, padchar ' ' and no flags,
 * which is how istioctl prints: every cell but the last of a line is padded to its column's widest
 * cell plus {@code padding}; the last cell is printed as is (so an empty last cell leaves the
 * padding of the cell before it as trailing spaces, as istioctl's output has).
 */
final class TabTable {
  private final int padding;
  private final List<List<String>> rows = new ArrayList<>();

  TabTable(int padding) {
    this.padding = padding;
  }

  TabTable row(String... cells) {
    rows.add(List.of(cells));
    return this;
  }

  TabTable row(List<String> cells) {
    rows.add(List.copyOf(cells));
    return this;
  }

  /** The laid-out lines, each ending with {@code \n}. */
  String render() {
    List<Integer> widths = new ArrayList<>();
    for (List<String> row : rows) {
      for (int column = 0; column < row.size() - 1; column++) {
        int width = width(row.get(column)) + padding;
        if (column == widths.size()) {
          widths.add(width);
        } else if (width > widths.get(column)) {
          widths.set(column, width);
        }
      }
    }
    StringBuilder out = new StringBuilder();
    for (List<String> row : rows) {
      for (int column = 0; column < row.size(); column++) {
        String cell = row.get(column);
        out.append(cell);
        if (column < row.size() - 1) {
          out.append(" ".repeat(widths.get(column) - width(cell)));
        }
      }
      out.append('\n');
    }
    return out.toString();
  }

  private static int width(String cell) {
    return cell.codePointCount(0, cell.length());
  }
}
