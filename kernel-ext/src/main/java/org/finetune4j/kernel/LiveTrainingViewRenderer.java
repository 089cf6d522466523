package org.finetune4j.kernel;

import org.finetune4j.notebook.LiveTrainingView;
import org.rapaio.jupyter.kernel.display.DisplayData;

/**
 * A snapshot of a {@link LiveTrainingView}: by default one HTML output holding the loss chart (an inline PNG) above
 * the progress block, plus the progress line as text; {@code png} gives the chart alone. For a view that updates in
 * place while training, use {@link Live#attach(LiveTrainingView)} instead.
 */
public final class LiveTrainingViewRenderer extends HtmlRenderer<LiveTrainingView> {

    public LiveTrainingViewRenderer() {
        super(LiveTrainingView.class);
    }

    @Override
    public boolean canRender(String mime) {
        return super.canRender(mime) || Mime.parse(mime).filter(m -> m == Mime.PNG).isPresent();
    }

    @Override
    public DisplayData render(String mime, Object o) {
        if (Mime.parse(mime).filter(m -> m == Mime.PNG).isPresent()) {
            return new ChartRenderer().render(mime, ((LiveTrainingView) o).chart());
        }
        return super.render(mime, o);
    }

    @Override
    String html(LiveTrainingView view) {
        return "<div class=\"finetune4j-live\"><img alt=\"training loss\" src=\"data:image/png;base64,"
                + ChartRenderer.pngBase64(view.chart()) + "\"/>" + view.progressHtml() + "</div>";
    }

    @Override
    String text(LiveTrainingView view) {
        return view.progressText();
    }
}
