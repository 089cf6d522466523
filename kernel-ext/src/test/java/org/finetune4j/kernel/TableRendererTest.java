package org.finetune4j.kernel;

import static org.finetune4j.kernel.RenderAssertions.assertKeys;
import static org.finetune4j.kernel.RenderAssertions.count;
import static org.finetune4j.kernel.RenderAssertions.html;
import static org.finetune4j.kernel.RenderAssertions.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.rapaio.jupyter.kernel.display.DisplayData;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

class TableRendererTest {

    @Test
    void escapesNamesAndCells() {
        Table t = Table.create("a&b", StringColumn.create("<col>", "<script>alert('x')</script>", "plain"),
                DoubleColumn.create("score", 0.833333333, Double.NaN));
        DisplayData dd = new TableRenderer().render(null, t);
        assertKeys(dd, "text/html", "text/plain");
        String html = html(dd);
        assertTrue(html.contains("<table class=\"tablesaw\">"), html);
        assertTrue(html.contains("<caption>a&amp;b</caption>"), html);
        assertTrue(html.contains("<th>&lt;col&gt;</th>"), html);
        assertTrue(html.contains("<td>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</td>"), html);
        assertFalse(html.contains("<script>"), html);
        assertTrue(html.contains("<td class=\"num\">0.8333</td>"), html);
        assertTrue(text(dd).contains("plain"));
    }

    @Test
    void cutsLongTablesWithACount() {
        Table t = Table.create("long", IntColumn.create("i", IntStream.range(0, 60).toArray()));
        String html = html(new TableRenderer(50).render("html", t));
        assertEquals(50, count(html, "<tr>") - 1, "50 body rows plus the header row");
        assertTrue(html.contains("<td class=\"num\">49</td>"));
        assertFalse(html.contains("<td class=\"num\">50</td>"));
        assertTrue(html.contains("… 10 more rows (60 in all)"), html);

        String shortHtml = html(new TableRenderer(50).render("html", t.first(3)));
        assertFalse(shortHtml.contains("more row"));
    }

    @Test
    void mimeSelection() {
        TableRenderer r = new TableRenderer();
        Table t = Table.create("t", IntColumn.create("i", 1, 2));
        assertKeys(r.render("text/html", t), "text/html");
        assertKeys(r.render("text", t), "text/plain");
        assertTrue(r.canRender(null));
        assertFalse(r.canRender("image/png"));
        assertThrows(IllegalArgumentException.class, () -> r.render("image/png", t));
        assertThrows(IllegalArgumentException.class, () -> new TableRenderer(0));
    }

    @Test
    void numbersKeepFourDecimalsOrGoScientific() {
        assertEquals("0.8333", Html.number(5.0 / 6));
        assertEquals("2", Html.number(2.0));
        assertEquals("-1.5", Html.number(-1.5));
        assertEquals("0", Html.number(0));
        assertEquals("2.000e-05", Html.number(2e-5));
        assertEquals("1.235e+10", Html.number(12345678901.0));
        assertEquals("NaN", Html.number(Double.NaN));
    }
}
