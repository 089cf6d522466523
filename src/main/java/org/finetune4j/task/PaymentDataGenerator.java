package org.finetune4j.task;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generates the synthetic payments data set from {@link PaymentTemplates} and {@link PaymentLexicon}.
 *
 * <p>Deterministic: each split draws from its own {@link Random} seeded from the generator seed and the split,
 * so the same seed gives byte-identical files and the size of one split does not change another. Intents are
 * drawn uniformly (unknown is one of eight); languages Indonesian 45 %, English 30 %, mixed 25 %. The test split
 * uses only held-out templates, test-only names and test-only phone prefixes.
 *
 * <p>Run {@code PaymentDataGenerator --out data/task --seed 42} to write {@code train.jsonl} (5000),
 * {@code validation.jsonl} (500), {@code test.jsonl} (500), {@code prose/train.jsonl},
 * {@code prose/validation.jsonl}, {@code prose/ledger.jsonl} (pretraining text, see {@link LedgerCorpus})
 * and {@code schema.json}.
 */
public final class PaymentDataGenerator {

    public static final int TRAIN_SIZE = 5000;
    public static final int VALIDATION_SIZE = 500;
    public static final int TEST_SIZE = 500;
    /** Transaction-log documents ({@link LedgerCorpus}) beside the prose conversations in the pretraining corpus. */
    public static final int LEDGER_SIZE = 5000;
    /** Where the pretraining corpus's transaction logs are written, relative to the task directory. */
    public static final String LEDGER_FILE = "prose/ledger.jsonl";
    /** The seed of the bundled data in {@code data/task/}. */
    public static final long DEFAULT_SEED = 42;

    /**
     * Share of the train and validation {@code unknown} samples that are composed small talk instead of a template
     * (the test split keeps its held-out templates only).
     */
    static final int SMALL_TALK_PERCENT = 40;
    /** Template id of the composed small talk, followed by the language code. */
    static final String SMALL_TALK_TEMPLATE_PREFIX = "unknown.smalltalk.";

    private static final LocalDate FIRST_REFERENCE = LocalDate.of(2024, 1, 1);
    private static final int REFERENCE_SPAN_DAYS = 3 * 365;
    private static final List<Long> ROUND_IDR = List.of(5_000L, 10_000L, 20_000L, 25_000L, 50_000L, 75_000L,
            100_000L, 150_000L, 200_000L, 250_000L, 300_000L, 500_000L, 750_000L, 1_000_000L, 1_500_000L,
            2_000_000L, 2_500_000L, 5_000_000L, 10_000_000L);
    private static final List<Long> AIRTIME_IDR = List.of(5_000L, 10_000L, 15_000L, 20_000L, 25_000L, 50_000L,
            100_000L, 150_000L, 200_000L);

    private final long seed;

    public PaymentDataGenerator(long seed) {
        this.seed = seed;
    }

    /** {@code count} samples of {@code split} (TRAIN, VALIDATION or TEST); the same call gives the same list. */
    public List<PaymentSample> generate(Split split, int count) {
        if (split == Split.EXAMPLES) {
            throw new IllegalArgumentException("examples are hand-written, not generated");
        }
        Random r = new Random(seed * 1_000_003L + split.ordinal() * 7919L + 17);
        List<PaymentSample> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(readableSample(split, r));
        }
        return out;
    }

    /**
     * Writes the JSON variant of every split, the prose variant of train and validation, and the schema.
     *
     * @return the files written
     */
    public List<Path> writeAll(Path outDir, int train, int validation, int test) throws IOException {
        List<Path> written = new ArrayList<>();
        Map<Split, Integer> sizes = Map.of(Split.TRAIN, train, Split.VALIDATION, validation, Split.TEST, test);
        for (Split split : List.of(Split.TRAIN, Split.VALIDATION, Split.TEST)) {
            List<PaymentSample> samples = generate(split, sizes.get(split));
            Path json = outDir.resolve(split.wireName() + ".jsonl");
            PaymentJsonl.writeLines(json, samples.stream().map(PaymentSample::jsonLine).toList());
            written.add(json);
            if (split != Split.TEST) {
                Path prose = outDir.resolve("prose").resolve(split.wireName() + ".jsonl");
                PaymentJsonl.writeLines(prose, samples.stream().map(PaymentSample::proseLine).toList());
                written.add(prose);
            }
        }
        Path ledger = outDir.resolve(LEDGER_FILE);
        PaymentJsonl.writeLines(ledger, LedgerCorpus.documents(seed, LEDGER_SIZE).stream()
                .map(PaymentJsonl::textLine).toList());
        written.add(ledger);
        Path schema = outDir.resolve(PaymentSchema.FILE_NAME);
        PaymentJsonl.writeLines(schema, List.of(PaymentSchema.fromClasspath().text().stripTrailing()));
        written.add(schema);
        return written;
    }

    /**
     * A sample whose gold amount {@link AmountNormalizer} can read back from the message. Rarely a slot's neighbour
     * makes the message ambiguous even to a person ("isiin pulsa 0858 7874 0114 20000": where does the phone number
     * end?); such a draw is discarded and drawn again, so no gold answer depends on an unreadable message.
     */
    private PaymentSample readableSample(Split split, Random r) {
        while (true) {
            PaymentSample s = sample(split, r);
            if (s.gold().money() == null || AmountNormalizer.findAll(s.userMessage()).contains(s.gold().money())) {
                return s;
            }
        }
    }

    private PaymentSample sample(Split split, Random r) {
        Intent intent = Intent.values()[r.nextInt(Intent.values().length)];
        int l = r.nextInt(100);
        Language lang = l < 45 ? Language.ID : l < 75 ? Language.EN : Language.MIX;
        if (intent == Intent.UNKNOWN && split != Split.TEST && r.nextInt(100) < SMALL_TALK_PERCENT) {
            return smallTalk(split, lang, r);
        }
        List<MessageTemplate> candidates = PaymentTemplates.all().stream()
                .filter(t -> t.intent() == intent && t.language() == lang && t.usableFor(split)).toList();
        MessageTemplate template = candidates.get(r.nextInt(candidates.size()));
        LocalDate reference = FIRST_REFERENCE.plusDays(r.nextInt(REFERENCE_SPAN_DAYS));

        String text = OptionalSegments.realise(template.text(), r);
        if (split != Split.TEST) {
            // training phrasings only: the held-out test split keeps its messages (and its random stream) as they are
            text = OptionalSegments.amountFirst(text, r);
        }
        Map<String, String> surface = new HashMap<>();
        Money money = null;
        String recipient = null;
        String provider = null;
        LocalDate date = null;
        String note = null;
        if (text.contains("{provider}") || text.contains("{bill}")) {
            provider = pick(providers(intent), r);
            surface.put("provider", provider);
            surface.put("bill", billWord(provider, lang, r));
        }
        if (text.contains("{amount}")) {
            money = amount(intent, lang, r);
            surface.put("amount", AmountFormatter.render(money, lang, r));
        }
        if (text.contains("{recipient}")) {
            boolean phone = intent == Intent.TRANSFER && r.nextInt(4) == 0;
            recipient = phone ? PaymentLexicon.phone(split, r) : PaymentLexicon.name(split, lang, r);
            surface.put("recipient", phone ? PaymentLexicon.writePhone(recipient, r) : recipient);
        }
        if (text.contains("{phone}")) {
            recipient = PaymentLexicon.phone(split, r);
            surface.put("phone", PaymentLexicon.writePhone(recipient, r));
        }
        if (text.contains("{date}")) {
            date = reference.plusDays(dateOffset(intent, r));
            surface.put("date", RelativeDates.render(date, reference, lang, r));
        }
        if (text.contains("{note}")) {
            List<String> notes = lang == Language.EN || (lang == Language.MIX && r.nextBoolean())
                    ? PaymentLexicon.NOTES_EN : PaymentLexicon.NOTES_ID;
            note = pick(notes, r);
            surface.put("note", note);
        }
        String message = MessageNoise.apply(fill(text, surface, r), lang, r);
        PaymentRequest gold = new PaymentRequest(intent, money == null ? null : money.amount(),
                money == null ? null : money.currency(), recipient, provider, date, note);
        return new PaymentSample(split, template.id(), lang, reference, message, gold,
                ProseAnswers.confirm(gold, lang));
    }

    /**
     * An {@code unknown} sample whose message is composed small talk ({@link GeneralTextCorpus#smallTalkMessage}:
     * a prefix, one of 46 topics and a suffix), so the model learns that any message without a payment request is
     * {@code unknown}, not just the few dozen fixed unknown sentences of the templates (the held-out chit-chat
     * templates of the test split measure whether it does).
     */
    private PaymentSample smallTalk(Split split, Language lang, Random r) {
        LocalDate reference = FIRST_REFERENCE.plusDays(r.nextInt(REFERENCE_SPAN_DAYS));
        boolean english = lang == Language.EN || (lang == Language.MIX && r.nextBoolean());
        String text = GeneralTextCorpus.smallTalkMessage(english, r);
        String message = MessageNoise.apply(List.of(new MessageNoise.Piece(text, false)), lang, r);
        PaymentRequest gold = PaymentRequest.unknown();
        return new PaymentSample(split, SMALL_TALK_TEMPLATE_PREFIX + lang.code(), lang, reference, message, gold,
                ProseAnswers.confirm(gold, lang));
    }

    /** Splits the template into literal pieces (noisy) and slot pieces (gold values, kept intact). */
    private static List<MessageNoise.Piece> fill(String text, Map<String, String> surface, Random r) {
        List<MessageNoise.Piece> pieces = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '{') {
                literal.append(c);
                i++;
                continue;
            }
            int end = text.indexOf('}', i);
            String slot = text.substring(i + 1, end);
            if (slot.startsWith("w:")) {
                String[] options = slot.substring(2).split("\\|", -1);
                literal.append(options[r.nextInt(options.length)]);
            } else if (slot.equals("bill")) {
                literal.append(surface.get("bill"));
            } else {
                String value = surface.get(slot);
                if (value == null) {
                    throw new IllegalStateException("template slot {" + slot + "} has no value in: " + text);
                }
                pieces.add(new MessageNoise.Piece(literal.toString(), false));
                literal.setLength(0);
                pieces.add(new MessageNoise.Piece(value, true));
            }
            i = end + 1;
        }
        pieces.add(new MessageNoise.Piece(literal.toString(), false));
        return pieces;
    }

    private static List<String> providers(Intent intent) {
        return switch (intent) {
            case PAY_BILL -> PaymentLexicon.BILLERS;
            case BUY_AIRTIME -> PaymentLexicon.OPERATORS;
            default -> PaymentLexicon.WALLETS;
        };
    }

    private static String billWord(String provider, Language lang, Random r) {
        boolean en = lang == Language.EN;
        return switch (provider) {
            case "PLN" -> en ? "electricity" : pick(List.of("listrik", "token listrik", "tagihan listrik"), r);
            case "PDAM" -> en ? "water" : pick(List.of("air", "tagihan air"), r);
            case "BPJS" -> en ? "health insurance" : pick(List.of("iuran", "iuran bulanan"), r);
            default -> en ? pick(List.of("internet", "wifi"), r) : pick(List.of("internet", "wifi", "tagihan internet"), r);
        };
    }

    private static Money amount(Intent intent, Language lang, Random r) {
        boolean personToPerson = intent == Intent.TRANSFER || intent == Intent.REQUEST_MONEY;
        int foreignPercent = lang == Language.EN ? 35 : lang == Language.MIX ? 20 : 8;
        if (personToPerson && r.nextInt(100) < foreignPercent) {
            String currency = pick(PaymentLexicon.FOREIGN, r);
            boolean whole = currency.equals("JPY") || r.nextInt(10) < 6; // yen has no minor unit
            BigDecimal a = whole ? BigDecimal.valueOf(1 + r.nextInt(2_000))
                    : BigDecimal.valueOf(100 + r.nextInt(200_000), 2);
            return new Money(a, currency);
        }
        long idr = switch (intent) {
            case BUY_AIRTIME -> pick(AIRTIME_IDR, r);
            case TOP_UP -> r.nextBoolean() ? pick(ROUND_IDR.subList(1, 13), r) : (1 + r.nextInt(100)) * 10_000L;
            case PAY_BILL -> r.nextBoolean() ? 20_000 + r.nextInt(2_000_000) : (20 + r.nextInt(2_000)) * 1_000L;
            default -> {
                int k = r.nextInt(100);
                yield k < 50 ? pick(ROUND_IDR, r) : k < 75 ? (1 + r.nextInt(2_000)) * 1_000L
                        : k < 90 ? (1 + r.nextInt(100)) * 50_000L : 1_000 + r.nextInt(5_000_000);
            }
        };
        return new Money(BigDecimal.valueOf(idr), "IDR");
    }

    /** Days from the reference date: mostly the coming two weeks; history looks at today or yesterday. */
    private static int dateOffset(Intent intent, Random r) {
        if (intent == Intent.TRANSACTION_HISTORY) {
            return r.nextBoolean() ? 0 : -1;
        }
        int k = r.nextInt(100);
        return k < 10 ? 0 : k < 30 ? 1 : k < 40 ? 2 : k < 75 ? 3 + r.nextInt(11) : 14 + r.nextInt(47);
    }

    private static <T> T pick(List<T> list, Random r) {
        return list.get(r.nextInt(list.size()));
    }

    /** {@code --out DIR} (default {@code data/task}) and {@code --seed N} (default 42). */
    public static void main(String[] args) throws IOException {
        Path out = Path.of("data/task");
        long seed = DEFAULT_SEED;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(value(args, ++i, "--out"));
                case "--seed" -> {
                    String v = value(args, ++i, "--seed");
                    try {
                        seed = Long.parseLong(v);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--seed needs an integer, got '" + v + "'", e);
                    }
                }
                default -> throw new IllegalArgumentException("unknown option '" + args[i]
                        + "'; usage: PaymentDataGenerator [--out DIR] [--seed N]");
            }
        }
        for (Path p : new PaymentDataGenerator(seed).writeAll(out, TRAIN_SIZE, VALIDATION_SIZE, TEST_SIZE)) {
            System.out.println("wrote " + p + " (" + java.nio.file.Files.size(p) + " bytes)");
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }
}
