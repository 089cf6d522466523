package org.finetune4j.kernel;

import org.finetune4j.eval.EvalReport;

/** An eval report as its summary table and its per-field table. */
public final class EvalReportRenderer extends HtmlRenderer<EvalReport> {

    public EvalReportRenderer() {
        super(EvalReport.class);
    }

    @Override
    String html(EvalReport report) {
        return "<div class=\"finetune4j-eval\"><div><b>Evaluation</b> — " + report.n() + " examples</div>"
                + Html.table(report.summaryTable(), Html.DEFAULT_MAX_ROWS)
                + Html.table(report.perFieldTable(), Html.DEFAULT_MAX_ROWS) + "</div>";
    }

    @Override
    String text(EvalReport report) {
        return report + "\n" + report.summaryTable().print() + "\n" + report.perFieldTable().print();
    }
}
