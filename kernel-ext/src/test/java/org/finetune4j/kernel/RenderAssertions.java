package org.finetune4j.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.rapaio.jupyter.kernel.display.DisplayData;

final class RenderAssertions {
    private RenderAssertions() {}

    /** Decodes the base64 image/png entry, checks the PNG signature and returns the image. */
    static BufferedImage png(DisplayData dd) throws Exception {
        Object payload = dd.data().get("image/png");
        assertNotNull(payload, "no image/png in " + dd.data().keySet());
        byte[] bytes = Base64.getDecoder().decode((String) payload);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, Arrays.copyOf(bytes, 8));
        return ImageIO.read(new ByteArrayInputStream(bytes));
    }

    static String html(DisplayData dd) {
        Object html = dd.data().get("text/html");
        assertNotNull(html, "no text/html in " + dd.data().keySet());
        return (String) html;
    }

    static String text(DisplayData dd) {
        Object text = dd.data().get("text/plain");
        assertNotNull(text, "no text/plain in " + dd.data().keySet());
        return (String) text;
    }

    static int count(String haystack, String needle) {
        int n = 0;
        for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + needle.length())) {
            n++;
        }
        return n;
    }

    static void assertKeys(DisplayData dd, String... keys) {
        assertEquals(java.util.Set.of(keys), dd.data().keySet());
    }
}
