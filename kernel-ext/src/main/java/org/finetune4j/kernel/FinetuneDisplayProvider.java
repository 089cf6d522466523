package org.finetune4j.kernel;

import java.util.List;
import org.rapaio.jupyter.kernel.display.DisplayRenderer;
import org.rapaio.jupyter.kernel.display.DisplayTransformer;
import org.rapaio.jupyter.kernel.display.spi.DisplayProvider;

/**
 * Registered in {@code META-INF/services}: the kernel finds it on its class path and renders a cell's value (or a
 * {@code display(...)} argument) with the first renderer whose class matches. Order matters only for overlapping
 * classes; ours do not overlap.
 */
public final class FinetuneDisplayProvider implements DisplayProvider {

    @Override
    public List<DisplayRenderer> getDisplayRenderers() {
        return List.of(new LiveTrainingViewRenderer(), new ChartRenderer(), new TableRenderer(),
                new EvalReportRenderer(), new TechniqueReportRenderer());
    }

    @Override
    public List<DisplayTransformer> getDisplayTransformers() {
        return List.of();
    }
}
