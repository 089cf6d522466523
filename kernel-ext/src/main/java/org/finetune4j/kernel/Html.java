package org.finetune4j.kernel;

import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.List;
import java.util.Locale;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/** Small HTML building blocks shared by the renderers: escaping and Tablesaw tables. */
public final class Html {

    /** Rows shown before a table is cut with a "… N more rows" line. */
    public static final int DEFAULT_MAX_ROWS = 50;

    /** Styles for {@code table.tablesaw}; emitted with every table so the output stands alone in a saved notebook. */
    static final String TABLE_STYLE = "<style>"
            + "table.tablesaw{border-collapse:collapse;font-size:12px;margin:4px 0}"
            + "table.tablesaw caption{text-align:left;font-weight:bold;padding:2px 0}"
            + "table.tablesaw th,table.tablesaw td{border:1px solid #ccc;padding:2px 8px}"
            + "table.tablesaw th{background:#f2f2f2}"
            + "table.tablesaw td.num{text-align:right;font-family:monospace}"
            + "div.tablesaw-more{font-size:11px;color:#666}"
            + "</style>";

    private Html() {}

    /** Escapes the five characters that matter in HTML text and attribute values. */
    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * {@code table} as {@code <table class="tablesaw">} with its name as caption, at most {@code maxRows} rows and,
     * when cut, a {@code … N more rows} line. Cell text is escaped; numbers are right-aligned, floating-point values
     * shown with up to 4 decimals (scientific when very large or small); missing values are empty cells.
     */
    public static String table(Table table, int maxRows) {
        if (maxRows < 0) {
            throw new IllegalArgumentException("maxRows must be >= 0, got " + maxRows);
        }
        StringBuilder html = new StringBuilder(TABLE_STYLE);
        html.append("<table class=\"tablesaw\">");
        if (table.name() != null && !table.name().isEmpty()) {
            html.append("<caption>").append(escape(table.name())).append("</caption>");
        }
        List<Column<?>> columns = table.columns();
        html.append("<thead><tr>");
        for (Column<?> c : columns) {
            html.append("<th>").append(escape(c.name())).append("</th>");
        }
        html.append("</tr></thead><tbody>");
        int shown = Math.min(maxRows, table.rowCount());
        for (int r = 0; r < shown; r++) {
            html.append("<tr>");
            for (Column<?> c : columns) {
                boolean numeric = c instanceof NumericColumn<?>;
                html.append(numeric ? "<td class=\"num\">" : "<td>").append(escape(cell(c, r))).append("</td>");
            }
            html.append("</tr>");
        }
        html.append("</tbody></table>");
        int more = table.rowCount() - shown;
        if (more > 0) {
            html.append("<div class=\"tablesaw-more\">… ").append(more).append(more == 1 ? " more row" : " more rows")
                    .append(" (").append(table.rowCount()).append(" in all)</div>");
        }
        return html.toString();
    }

    private static String cell(Column<?> column, int row) {
        if (column.isMissing(row)) {
            return "";
        }
        if (column.type() == ColumnType.DOUBLE || column.type() == ColumnType.FLOAT) {
            return number(((Number) column.get(row)).doubleValue());
        }
        return column.getString(row);
    }

    /** Up to 4 decimals, trailing zeros dropped; scientific outside [1e-4, 1e9). NaN and infinities spelled out. */
    public static String number(double x) {
        if (Double.isNaN(x) || Double.isInfinite(x)) {
            return Double.toString(x);
        }
        double a = Math.abs(x);
        if (a != 0 && (a < 1e-4 || a >= 1e9)) {
            return String.format(Locale.ROOT, "%.3e", x);
        }
        return new DecimalFormat("0.####", DecimalFormatSymbols.getInstance(Locale.ROOT)).format(x);
    }
}
