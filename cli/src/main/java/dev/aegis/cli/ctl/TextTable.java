package dev.aegis.cli.ctl;

import java.io.PrintWriter;
import java.util.List;

/** Prints rows as left-aligned columns two spaces apart, the last column unpadded. Stateless. */
final class TextTable {
  private TextTable() {}

  /** Prints {@code rows} (the header first), every row as long as the header. */
  static void print(PrintWriter out, List<String[]> rows) {
    int columns = rows.get(0).length;
    int[] width = new int[columns];
    for (String[] row : rows) {
      for (int i = 0; i < columns; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        boolean last = i == columns - 1;
        line.append(row[i]);
        if (!last) {
          line.append(" ".repeat(width[i] + 2 - row[i].length()));
        }
      }
      out.println(line);
    }
  }
}
