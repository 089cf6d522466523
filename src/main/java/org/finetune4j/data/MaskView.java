package org.finetune4j.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.finetune4j.tokenizer.HfTokenizer;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** Shows which tokens of a sample are learned, to check the masking by eye (the notebook's masked-tokens cell). */
public final class MaskView {
    public static final String OPEN = "[[";
    public static final String CLOSE = "]]";

    private MaskView() {}

    /**
     * A run of consecutive tokens that are all learned or all masked.
     *
     * @param text    the decoded tokens (special tokens included)
     * @param trained whether they are targets
     */
    public record Span(String text, boolean trained) {}

    /** The sample as alternating masked/learned spans. */
    public static List<Span> spans(TokenizedSample sample, HfTokenizer tokenizer) {
        List<Span> spans = new ArrayList<>();
        long[] ids = sample.inputIds();
        int start = 0;
        for (int t = 1; t <= ids.length; t++) {
            if (t == ids.length || sample.isTrained(t) != sample.isTrained(start)) {
                spans.add(new Span(tokenizer.decode(Arrays.copyOfRange(ids, start, t), false), sample.isTrained(start)));
                start = t;
            }
        }
        return spans;
    }

    /** The sample's text with every learned span wrapped in {@code [[...]]}. */
    public static String render(TokenizedSample sample, HfTokenizer tokenizer) {
        StringBuilder sb = new StringBuilder();
        for (Span s : spans(sample, tokenizer)) {
            sb.append(s.trained ? OPEN + s.text + CLOSE : s.text);
        }
        return sb.toString();
    }

    /** One row per token: {@code position}, {@code id}, {@code token} (stored form), {@code text}, {@code trained}. */
    public static Table tokenTable(TokenizedSample sample, HfTokenizer tokenizer) {
        int n = sample.length();
        int[] position = new int[n];
        long[] id = sample.inputIds().clone();
        String[] token = new String[n];
        String[] text = new String[n];
        boolean[] trained = new boolean[n];
        for (int t = 0; t < n; t++) {
            position[t] = t;
            token[t] = tokenizer.token(id[t]);
            text[t] = tokenizer.decode(new long[] {id[t]}, false);
            trained[t] = sample.isTrained(t);
        }
        return Table.create(sample.source(), IntColumn.create("position", position), LongColumn.create("id", id),
                StringColumn.create("token", token), StringColumn.create("text", text),
                BooleanColumn.create("trained", trained));
    }
}
