package io.jmachine.cli.format;

import java.util.ArrayList;
import java.util.List;

/**
 * Aligns tab-separated cells into columns, as Go's tabwriter does for Docker Machine's `ls`
 * (minimum width 5, padding 3): each column but the last is padded to its widest cell.
 */
public final class TableWriter {

    private static final int MIN_WIDTH = 5;
    private static final int PADDING = 3;

    private TableWriter() {
    }

    public static List<String> align(List<String> lines) {
        List<String[]> rows = lines.stream().map(line -> line.split("\t", -1)).toList();
        List<Integer> widths = new ArrayList<>();
        for (String[] cells : rows) {
            for (int i = 0; i < cells.length - 1; i++) {
                int width = Math.max(MIN_WIDTH, cells[i].length() + PADDING);
                if (widths.size() <= i) {
                    widths.add(width);
                } else {
                    widths.set(i, Math.max(widths.get(i), width));
                }
            }
        }
        List<String> aligned = new ArrayList<>();
        for (String[] cells : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < cells.length; i++) {
                line.append(cells[i]);
                if (i < cells.length - 1) {
                    line.append(" ".repeat(widths.get(i) - cells[i].length()));
                }
            }
            aligned.add(line.toString().stripTrailing());
        }
        return aligned;
    }
}
