package org.finetune4j.rag;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.core.WhitespaceTokenizer;
import org.apache.lucene.analysis.ngram.NGramTokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LogDocMergePolicy;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;

/**
 * Finds the solved examples most similar to a message: BM25 (Lucene) over two views of the text, its words and
 * its character trigrams, after lower-casing and folding every digit to {@code 0}.
 *
 * <p>Why these views: users' messages are short, misspelt and mixed-language ("tampikan histori", "mssih ada brp
 * uang"), so whole words alone miss most typos while trigrams still match them; and amounts, dates and phone
 * numbers differ in every message, so their digits are folded — "250rb" and "75rb" look alike, which is what
 * matters for choosing a worked example. The index lives in memory: the bundled task's 5,000 training messages
 * index in about 3 s on two cores (a cold JVM included), and a search takes 3–6 ms.
 */
public final class ExampleRetriever implements AutoCloseable {
    private static final String WORDS = "words";
    private static final String GRAMS = "grams";
    private static final String GROUP = "group";
    /** SHA-256 of the exact message: an exact-match key of bounded length, however long the message. */
    private static final String MESSAGE_KEY = "message_sha256";
    /** Query terms kept per field: below Lucene's default limit of 1,024 clauses for the two fields together. */
    private static final int MAX_TERMS_PER_FIELD = 500;

    private final List<SolvedExample> examples;
    private final Analyzer analyzer = new MessageAnalyzer();
    private final ByteBuffersDirectory directory = new ByteBuffersDirectory();
    private final DirectoryReader reader;
    private final IndexSearcher searcher;
    private final AtomicLong searches = new AtomicLong();

    private ExampleRetriever(List<SolvedExample> examples) throws IOException {
        this.examples = List.copyOf(examples);
        // one segment, merged in order (LogDocMergePolicy merges neighbours only): document id = list index
        IndexWriterConfig config = new IndexWriterConfig(analyzer).setMergePolicy(new LogDocMergePolicy());
        try (IndexWriter writer = new IndexWriter(directory, config)) {
            for (SolvedExample e : this.examples) {
                Document doc = new Document();
                doc.add(new TextField(WORDS, e.message(), Field.Store.NO));
                doc.add(new TextField(GRAMS, e.message(), Field.Store.NO));
                doc.add(new StringField(GROUP, e.group(), Field.Store.NO));
                doc.add(new StringField(MESSAGE_KEY, sha256(e.message()), Field.Store.NO));
                writer.addDocument(doc);
            }
            writer.forceMerge(1);
        }
        reader = DirectoryReader.open(directory);
        if (reader.leaves().size() != 1 || reader.maxDoc() != this.examples.size()) {
            throw new IllegalStateException("expected one segment of " + this.examples.size() + " documents, got "
                    + reader.leaves().size() + " segments of " + reader.maxDoc());
        }
        searcher = new IndexSearcher(reader);
    }

    /**
     * Indexes {@code examples}; hits report their position in this list.
     *
     * @throws IllegalArgumentException when the list is empty
     */
    public static ExampleRetriever of(List<SolvedExample> examples) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("no examples to retrieve from: the example list is empty");
        }
        try {
            return new ExampleRetriever(examples);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot index " + examples.size() + " examples in memory", e);
        }
    }

    /** How many searches this index has been asked for, {@link #searchOthers} included (tests count them). */
    long searches() {
        return searches.get();
    }

    /** The indexed examples, in the order given. */
    public List<SolvedExample> examples() {
        return examples;
    }

    /** The {@code k} examples most similar to {@code message}, best first (ties: earlier example first). */
    public List<RetrievedExample> search(String message, int k) {
        return search(message, k, e -> false);
    }

    /**
     * The {@code k} most similar examples for which {@code skip} is false, best first. Fewer when fewer share
     * any word or trigram with the message; none for a message without letters or digits.
     */
    public List<RetrievedExample> search(String message, int k, Predicate<RetrievedExample> skip) {
        searches.incrementAndGet();
        BooleanQuery.Builder query = similarTo(message, k);
        if (query == null) {
            return List.of();
        }
        try {
            BooleanQuery q = query.build();
            // ask for more hits than needed and widen until k survive the skip test or the index runs out
            for (int want = Math.min(examples.size(), 4 * k + 16); ; want = Math.min(examples.size(), want * 4)) {
                TopDocs top = searcher.search(q, want);
                List<RetrievedExample> out = new ArrayList<>(k);
                for (ScoreDoc sd : top.scoreDocs) {
                    RetrievedExample hit = new RetrievedExample(sd.doc, examples.get(sd.doc), sd.score);
                    if (!skip.test(hit)) {
                        out.add(hit);
                        if (out.size() == k) {
                            return out;
                        }
                    }
                }
                if (top.scoreDocs.length < want || want == examples.size()) {
                    return out;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("search failed for message '" + message + "'", e);
        }
    }

    /**
     * The {@code k} most similar examples that are neither of {@code group} (unless it is empty) nor have exactly
     * this message — the search a training conversation makes, excluding in the query itself rather than by
     * widening the search ({@link #search(String, int, Predicate)}) past the dozens of examples of its own template.
     */
    public List<RetrievedExample> searchOthers(String message, int k, String group) {
        searches.incrementAndGet();
        BooleanQuery.Builder query = similarTo(message, k);
        if (query == null) {
            return List.of();
        }
        query.add(new TermQuery(new Term(MESSAGE_KEY, sha256(message))), BooleanClause.Occur.MUST_NOT);
        if (!group.isEmpty()) {
            query.add(new TermQuery(new Term(GROUP, group)), BooleanClause.Occur.MUST_NOT);
        }
        try {
            List<RetrievedExample> out = new ArrayList<>(k);
            for (ScoreDoc sd : searcher.search(query.build(), k).scoreDocs) {
                out.add(new RetrievedExample(sd.doc, examples.get(sd.doc), sd.score));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("search failed for message '" + message + "'", e);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /**
     * A query scoring every example by the message's words and trigrams (one SHOULD clause per distinct term), or
     * null when the message has neither letters nor digits.
     */
    private BooleanQuery.Builder similarTo(String message, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        BooleanQuery.Builder query = new BooleanQuery.Builder();
        return addTerms(query, WORDS, message) + addTerms(query, GRAMS, message) == 0 ? null : query;
    }

    private int addTerms(BooleanQuery.Builder query, String field, String text) {
        Set<String> terms = new LinkedHashSet<>();
        try (TokenStream ts = analyzer.tokenStream(field, text)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken() && terms.size() < MAX_TERMS_PER_FIELD) {
                terms.add(term.toString());
            }
            ts.end();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot analyse '" + text + "'", e);
        }
        for (String t : terms) {
            query.add(new TermQuery(new Term(field, t)), BooleanClause.Occur.SHOULD);
        }
        return terms.size();
    }

    /**
     * The text both views see: lower case, every digit {@code 0}, letters and digit runs split apart ("250rb" →
     * "000 rb"), everything else one space.
     */
    static String normalise(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 8);
        char run = ' '; // the kind of the current run: 'a' letters, '0' digits, ' ' none
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            char kind = Character.isLetter(cp) || cp == '\'' ? 'a' : Character.isDigit(cp) ? '0' : ' ';
            if (kind != run && kind != ' ' && sb.length() > 0) {
                sb.append(' ');
            }
            if (kind == 'a') {
                sb.append(Character.toString(cp).toLowerCase(Locale.ROOT));
            } else if (kind == '0') {
                sb.append('0');
            }
            run = kind;
        }
        return sb.toString();
    }

    @Override
    public void close() {
        try {
            reader.close();
            directory.close();
            analyzer.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the example index", e);
        }
    }

    /** Words: the normalised text split at spaces. Trigrams: of the normalised text padded with a space each side. */
    private static final class MessageAnalyzer extends Analyzer {
        MessageAnalyzer() {
            super(PER_FIELD_REUSE_STRATEGY);
        }

        @Override
        protected TokenStreamComponents createComponents(String field) {
            Tokenizer tokenizer = GRAMS.equals(field) ? new NGramTokenizer(3, 3) : new WhitespaceTokenizer();
            return new TokenStreamComponents(tokenizer);
        }

        @Override
        protected java.io.Reader initReader(String field, java.io.Reader reader) {
            java.io.StringWriter text = new java.io.StringWriter();
            try {
                reader.transferTo(text);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the text to analyse", e);
            }
            String normalised = normalise(text.toString());
            return new java.io.StringReader(GRAMS.equals(field) ? " " + normalised + " " : normalised);
        }
    }
}
