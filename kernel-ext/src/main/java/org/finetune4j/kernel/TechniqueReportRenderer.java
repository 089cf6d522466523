package org.finetune4j.kernel;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.finetune4j.peft.TechniqueReport;

/** A technique's parameter and memory numbers as a two-column table. */
public final class TechniqueReportRenderer extends HtmlRenderer<TechniqueReport> {

    public TechniqueReportRenderer() {
        super(TechniqueReport.class);
    }

    /** The rows shown, in order: label → formatted value. */
    static Map<String, String> rows(TechniqueReport r) {
        Map<String, String> rows = new LinkedHashMap<>();
        rows.put("technique", r.type().name());
        rows.put("total parameters", String.format(Locale.ROOT, "%,d", r.totalParameters()));
        rows.put("trainable parameters", String.format(Locale.ROOT, "%,d (%.3f%%)", r.trainableParameters(),
                100 * r.trainableFraction()));
        rows.put("frozen weights", mb(r.frozenBytes()));
        rows.put("trainable weights", mb(r.trainableBytes()));
        rows.put("optimizer state", mb(r.optimizerStateBytes()));
        if (r.quantizedParameters() > 0) {
            rows.put("4-bit parameters", String.format(Locale.ROOT, "%,d", r.quantizedParameters()));
            rows.put("4-bit storage", String.format(Locale.ROOT, "%s (%.3f bits/param, %.3f of fp32)",
                    mb(r.quantizedBytes()), r.quantizedBitsPerParameter(), r.quantizedRatio()));
        }
        return rows;
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    @Override
    String html(TechniqueReport report) {
        StringBuilder html = new StringBuilder(Html.TABLE_STYLE).append("<table class=\"tablesaw\"><tbody>");
        rows(report).forEach((k, v) -> html.append("<tr><th>").append(Html.escape(k)).append("</th><td class=\"num\">")
                .append(Html.escape(v)).append("</td></tr>"));
        return html.append("</tbody></table>").toString();
    }

    @Override
    String text(TechniqueReport report) {
        return report.toString();
    }
}
