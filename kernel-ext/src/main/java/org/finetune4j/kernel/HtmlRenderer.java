package org.finetune4j.kernel;

import org.rapaio.jupyter.kernel.display.DisplayData;
import org.rapaio.jupyter.kernel.display.DisplayRenderer;

/**
 * Base for renderers of one type into {@code text/html} plus {@code text/plain}: both by default (the front end
 * shows the HTML, text exports keep the text), or only the one asked for.
 */
abstract class HtmlRenderer<T> implements DisplayRenderer {

    private final Class<T> type;

    HtmlRenderer(Class<T> type) {
        this.type = type;
    }

    @Override
    public final Class<?> rendererClass() {
        return type;
    }

    @Override
    public boolean canRender(String mime) {
        return mime == null || Mime.parse(mime).filter(m -> m == Mime.HTML || m == Mime.TEXT).isPresent();
    }

    @Override
    public DisplayData render(String mime, Object o) {
        T value = type.cast(o);
        Mime requested = mime == null ? null : Mime.parse(mime).orElse(null);
        if (mime != null && requested != Mime.HTML && requested != Mime.TEXT) {
            throw new IllegalArgumentException(type.getSimpleName() + " renders as html or text, not " + mime);
        }
        if (requested == Mime.TEXT) {
            return DisplayData.fromText(text(value));
        }
        DisplayData dd = DisplayData.fromHtml(html(value));
        if (requested == null) {
            dd.putText(text(value));
        }
        return dd;
    }

    abstract String html(T value);

    abstract String text(T value);
}
