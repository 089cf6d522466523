package org.finetune4j.kernel;

import tech.tablesaw.api.Table;

/** Tablesaw tables as a styled, escaped {@code <table class="tablesaw">} (row-limited) plus Tablesaw's own text. */
public final class TableRenderer extends HtmlRenderer<Table> {

    private final int maxRows;

    public TableRenderer() {
        this(Html.DEFAULT_MAX_ROWS);
    }

    /** @param maxRows rows shown in both HTML and text before the rest is summarised */
    public TableRenderer(int maxRows) {
        super(Table.class);
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows must be >= 1, got " + maxRows);
        }
        this.maxRows = maxRows;
    }

    @Override
    String html(Table table) {
        return Html.table(table, maxRows);
    }

    @Override
    String text(Table table) {
        return table.print(maxRows);
    }
}
