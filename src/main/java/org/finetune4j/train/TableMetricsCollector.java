package org.finetune4j.train;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/**
 * Collects step metrics into a Tablesaw {@link Table} (columns step, epoch, loss, lr, grad_norm,
 * tokens_per_s, val_loss) for plotting or summaries. {@code val_loss} is filled on the row of the step
 * at which an evaluation ran and missing elsewhere.
 */
public final class TableMetricsCollector implements TrainingListener {
    private final Table table = Table.create("training",
            IntColumn.create("step"), IntColumn.create("epoch"), DoubleColumn.create("loss"), DoubleColumn.create("lr"),
            DoubleColumn.create("grad_norm"), DoubleColumn.create("tokens_per_s"), DoubleColumn.create("val_loss"));

    @Override
    public synchronized void onStepEnd(StepEvent e) {
        table.intColumn("step").append(e.step());
        table.intColumn("epoch").append(e.epoch());
        appendFinite("loss", e.loss());
        table.doubleColumn("lr").append(e.lr());
        appendFinite("grad_norm", e.gradNorm());
        table.doubleColumn("tokens_per_s").append(e.tokensPerSecond());
        table.doubleColumn("val_loss").appendMissing();
    }

    private void appendFinite(String column, double v) {
        if (Double.isFinite(v)) {
            table.doubleColumn(column).append(v);
        } else {
            table.doubleColumn(column).appendMissing();
        }
    }

    @Override
    public synchronized void onEvaluation(EvalEvent e) {
        IntColumn steps = table.intColumn("step");
        for (int row = table.rowCount() - 1; row >= 0; row--) {
            if (steps.getInt(row) == e.step()) {
                if (Double.isFinite(e.validationLoss())) {
                    table.doubleColumn("val_loss").set(row, e.validationLoss());
                }
                return;
            }
        }
    }

    /** The live table (copy it before changing it). */
    public synchronized Table table() {
        return table;
    }
}
