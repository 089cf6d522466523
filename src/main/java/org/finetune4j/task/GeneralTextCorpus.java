package org.finetune4j.task;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.finetune4j.chat.ChatMessage;

/**
 * General bilingual text for pretraining the tiny base model: what words mean, in both languages, and everyday
 * small talk — the language knowledge any real pretrained LLM brings to fine-tuning and a model pretrained only on
 * the task's own prose lacks.
 *
 * <p>Why it exists: the task's test split uses message templates never seen in training, and their wording is
 * new too ("settle the PLN bill", "collect 50rb from Rina", "ada berapa duit di akun gw?", chit-chat the assistant
 * has never been asked). A base that has only read the training templates cannot know that "settle" is a way to
 * pay or that "akun" is an account, so no amount of fine-tuning makes it generalise; a real base has read those
 * words in thousands of contexts. This corpus gives the tiny base a small version of that: every concept of a
 * broad payments-and-everyday lexicon appears with its synonyms (Indonesian, English, slang) in <em>identical</em>
 * sentence contexts — narrative sentences and translations, never task requests — so that words with the same
 * meaning end up with similar representations. The lexicon is general: it holds the words of every template (and
 * many no template uses), not the held-out templates' sentences, and no names, amounts or dates of any split. The
 * small talk covers everyday topics (greetings, weather, food, plans, the app) as short dialogues in which nobody
 * asks for a payment.
 */
public final class GeneralTextCorpus {

    /** A meaning and the words that say it: Indonesian (with slang) and English. */
    record Concept(String gloss, List<String> id, List<String> en) {}

    /** Verbs (bare or -in/-kan slang forms) for the actions of a payments app, and the objects they take. */
    static final List<Concept> ACTIONS = List.of(
            new Concept("pay", List.of("bayar", "byr", "bayarin", "lunasin", "melunasi", "membayar"),
                    List.of("pay", "settle", "pay off", "clear")),
            new Concept("send money", List.of("kirim", "kirimin", "kirimkan", "transfer", "tf", "trf", "transferin"),
                    List.of("send", "transfer", "wire", "remit")),
            new Concept("ask for money", List.of("minta", "mintain", "tagih", "tagihin", "menagih"),
                    List.of("request", "ask for", "collect", "claim")),
            new Concept("fill up", List.of("isi", "isiin", "isi ulang", "top up", "topup", "topupin"),
                    List.of("top up", "load", "reload", "recharge", "refill")),
            new Concept("show", List.of("lihat", "liat", "cek", "cekin", "tunjukin", "tunjukkan", "tampilkan"),
                    List.of("show", "display", "view", "check", "list")),
            new Concept("buy", List.of("beli", "beliin", "membeli"), List.of("buy", "get", "purchase")));

    /** Nouns of money and accounts. */
    static final List<Concept> THINGS = List.of(
            new Concept("balance", List.of("saldo", "sisa saldo", "sisa uang"),
                    List.of("balance", "remaining money", "available funds")),
            new Concept("account", List.of("akun", "rekening", "rek"), List.of("account")),
            new Concept("wallet", List.of("dompet digital", "e-wallet", "dompet"), List.of("e-wallet", "wallet")),
            new Concept("money", List.of("uang", "duit", "dana"), List.of("money", "cash", "funds")),
            new Concept("history", List.of("riwayat", "histori", "history", "mutasi", "catatan"),
                    List.of("history", "statement", "records", "log")),
            new Concept("transactions", List.of("transaksi", "pembayaran", "transferan"),
                    List.of("transactions", "payments", "transfers")),
            new Concept("bill", List.of("tagihan", "iuran", "cicilan"), List.of("bill", "invoice", "instalment")),
            new Concept("debt", List.of("utang", "hutang", "pinjaman"), List.of("debt", "loan")),
            new Concept("airtime", List.of("pulsa", "kuota", "paket data"), List.of("airtime", "phone credit",
                    "data package")));

    /** Small words whose slang and formal forms mean the same. */
    static final List<Concept> WORDS = List.of(
            new Concept("I", List.of("saya", "aku", "gw", "gue"), List.of("I")),
            new Concept("my", List.of("saya", "aku", "gw", "ku"), List.of("my")),
            new Concept("how much", List.of("berapa", "brp"), List.of("how much")),
            new Concept("please", List.of("tolong", "tlg", "dong", "ya", "pls"), List.of("please", "pls", "kindly")),
            new Concept("for", List.of("buat", "utk", "untuk"), List.of("for")),
            new Concept("thanks", List.of("makasih", "terima kasih", "thx", "trims"), List.of("thanks", "thank you",
                    "thx")),
            new Concept("not yet", List.of("belum", "blm"), List.of("not yet")),
            new Concept("want", List.of("mau", "pengen", "ingin"), List.of("want to", "would like to")));

    /** Everyday objects a narrative sentence pays, sends or asks for (never a biller, wallet or operator name). */
    private static final List<String[]> OBJECTS = List.of(
            new String[] {"tagihan listrik", "the electricity bill"}, new String[] {"uang kos", "the rent"},
            new String[] {"uang sekolah", "the school fees"}, new String[] {"tagihan air", "the water bill"},
            new String[] {"cicilan motor", "the motorbike instalment"}, new String[] {"iuran RT", "the neighbourhood fee"},
            new String[] {"uang arisan", "the arisan money"}, new String[] {"ongkos kirim", "the shipping cost"},
            new String[] {"tiket kereta", "the train ticket"}, new String[] {"biaya parkir", "the parking fee"});

    private static final List<String[]> PEOPLE = List.of(
            new String[] {"ibuku", "my mother"}, new String[] {"temanku", "my friend"}, new String[] {"adikku",
                    "my little brother"}, new String[] {"kakakku", "my sister"}, new String[] {"tetanggaku",
                    "my neighbour"}, new String[] {"bosku", "my boss"}, new String[] {"teman kantor", "a colleague"},
            new String[] {"pemilik kos", "the landlord"});

    private static final List<String[]> TIMES = List.of(
            new String[] {"tadi pagi", "this morning"}, new String[] {"minggu lalu", "last week"},
            new String[] {"tiap bulan", "every month"}, new String[] {"kemarin sore", "yesterday afternoon"},
            new String[] {"nanti malam", "tonight"}, new String[] {"akhir bulan", "at the end of the month"});

    /** Small-talk exchanges: an opening line and its answers, in Indonesian, English and a mix. */
    private static final List<String[]> SMALL_TALK = List.of(
            new String[] {"apa kabar?", "baik, kamu gimana?", "lumayan, lagi santai aja"},
            new String[] {"how are you doing?", "pretty good, thanks", "fine, just a busy week"},
            new String[] {"lagi ngapain?", "lagi nonton film", "baru pulang kerja nih"},
            new String[] {"what are you up to this weekend?", "probably going hiking", "nothing much, staying home"},
            new String[] {"hujan terus ya hari ini", "iya, bawa payung deh", "semoga sore cerah"},
            new String[] {"it's so hot today", "yeah, drink lots of water", "the forecast says rain tomorrow"},
            new String[] {"enaknya makan apa ya?", "nasi goreng aja", "coba warung bakso dekat kantor"},
            new String[] {"any good places to eat around here?", "there's a nice noodle shop", "try the cafe on the corner"},
            new String[] {"kamu suka olahraga apa?", "badminton sih", "jogging tiap pagi"},
            new String[] {"do you like football?", "i watch it sometimes", "not really, i prefer basketball"},
            new String[] {"libur panjang mau ke mana?", "pulang kampung", "mungkin ke pantai"},
            new String[] {"have you seen any good movies lately?", "a funny one last week", "i mostly watch series"},
            new String[] {"aplikasinya lemot banget", "coba update dulu", "restart hp-nya aja"},
            new String[] {"i forgot my pin", "you can reset it in the settings", "ask customer service to help"},
            new String[] {"selamat ulang tahun!", "makasih banyak!", "semoga sehat selalu"},
            new String[] {"good night", "good night, sleep well", "see you tomorrow"},
            new String[] {"ceritain lelucon dong", "kenapa ayam menyeberang jalan?", "haha garing"},
            new String[] {"kamu tinggal di mana?", "di Bandung", "dekat stasiun"},
            new String[] {"btw besok meeting jam berapa?", "jam sembilan", "belum tahu, nanti dikabari"},
            new String[] {"makasih udah bantu ya", "sama-sama", "santai aja"});

    /** Openings of off-topic chat, composed as prefix + topic line + suffix ({@link #smallTalkMessage}). */
    private static final List<String> TOPICS_ID = List.of("enaknya makan apa ya", "makan siang di mana ya",
            "ada warung enak ga deket sini", "hujan ga ya nanti sore", "panas banget hari ini", "libur nanti mau ke mana",
            "nanti malam ada acara ga", "suka nonton film apa", "hobi kamu apa", "lagi bosen nih", "capek banget hari ini",
            "kamu robot ya", "kamu bisa nyanyi", "cara ganti foto profil gimana", "notifikasi ga muncul",
            "aplikasinya lemot banget", "lagu favorit kamu apa", "besok libur ga sih", "tim bola favorit kamu apa",
            "ada saran buku bagus", "umur kamu berapa", "jam buka kantor cabang kapan", "gimana cara logout",
            "kamu tinggal di mana");
    private static final List<String> TOPICS_EN = List.of("what should i have for dinner", "any good lunch spots",
            "is it going to rain this afternoon", "it's really hot today", "any plans for the holiday",
            "what kind of movies do you like", "what are your hobbies", "i'm so bored", "i'm really tired today",
            "are you a robot", "can you sing", "how do i change my profile picture", "notifications are not showing",
            "the app is so slow", "what's your favourite song", "is tomorrow a holiday", "who's your favourite team",
            "can you recommend a good book", "how old are you", "when does the branch office open", "how do i log out",
            "where do you live");
    private static final List<String> PREFIXES_ID = List.of("", "", "halo, ", "kak, ", "btw ", "eh ", "hai, ", "min, ");
    private static final List<String> PREFIXES_EN = List.of("", "", "hey, ", "hi, ", "btw ", "so ", "hello, ");
    private static final List<String> SUFFIXES_ID = List.of("?", "", " dong", " ya?", " sih?", " hehe", "??");
    private static final List<String> SUFFIXES_EN = List.of("?", "", " lol", " haha", "??", " :)");

    private GeneralTextCorpus() {
    }

    /**
     * {@code count} chats in the pretraining's prose form in which the user makes small talk and the assistant
     * says what it does — the reply a payments assistant gives to anything that is not a payment request, the
     * same reply the prose corpus gives for the task's own off-topic messages. The base model learns that small
     * talk is not a request before fine-tuning maps such messages to {@code unknown}.
     */
    public static List<List<ChatMessage>> smallTalkChats(long seed, int count) {
        Random r = new Random(seed * 977 + 5);
        List<List<ChatMessage>> out = new ArrayList<>(count);
        LocalDate first = LocalDate.of(2024, 1, 1);
        for (int i = 0; i < count; i++) {
            boolean english = r.nextBoolean();
            LocalDate reference = first.plusDays(r.nextInt(3 * 365));
            String reply = english ? "Sorry, I can only help with payments."
                    : "Maaf, saya hanya bisa membantu transaksi pembayaran.";
            out.add(List.of(ChatMessage.system(TaskPrompts.proseSystemPrompt(reference)),
                    ChatMessage.user(smallTalkMessage(english, r)), ChatMessage.assistant(reply)));
        }
        return out;
    }

    /** "btw hujan ga ya nanti sore?", "hey, any good lunch spots?": a prefix, a topic line and a suffix. */
    static String smallTalkMessage(boolean english, Random r) {
        String line = english ? pick(PREFIXES_EN, r) + pick(TOPICS_EN, r) + pick(SUFFIXES_EN, r)
                : pick(PREFIXES_ID, r) + pick(TOPICS_ID, r) + pick(SUFFIXES_ID, r);
        return r.nextInt(4) == 0 ? capital(line) : line;
    }

    /** Every concept of the lexicon: actions, things, small words. */
    private static final List<Concept> LEXICON = concat(ACTIONS, THINGS, WORDS);

    /** Every word of the lexicon, for tests and the model card. */
    static List<Concept> lexicon() {
        return LEXICON;
    }

    @SafeVarargs
    private static List<Concept> concat(List<Concept>... lists) {
        List<Concept> all = new ArrayList<>();
        for (List<Concept> l : lists) {
            all.addAll(l);
        }
        return List.copyOf(all);
    }

    /**
     * {@code count} documents of three to six lines each; the same seed gives the same documents. A document is
     * a glossary passage (what a word means, its synonyms and translation), a passage of sentence pairs (one
     * sentence, then the same sentence with a synonym, or its translation), or a small-talk dialogue.
     */
    public static List<String> documents(long seed, int count) {
        Random r = new Random(seed * 131 + 17);
        List<String> docs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            StringBuilder sb = new StringBuilder();
            int kind = r.nextInt(10);
            int lines = 3 + r.nextInt(4);
            for (int l = 0; l < lines; l++) {
                String line = kind < 3 ? glossaryLine(r) : kind < 8 ? sentencePair(r) : dialogueLine(r);
                sb.append(line).append('\n');
            }
            docs.add(sb.toString().stripTrailing());
        }
        return docs;
    }

    /** "lunasin" artinya "bayar"; "settle" means "pay"; kata "akun" dalam bahasa Inggris: "account". */
    static String glossaryLine(Random r) {
        Concept c = LEXICON.get(r.nextInt(LEXICON.size()));
        String id = pick(c.id(), r);
        String id2 = pick(c.id(), r);
        String en = pick(c.en(), r);
        String en2 = pick(c.en(), r);
        return switch (r.nextInt(7)) {
            case 0 -> "\"" + id + "\" artinya sama dengan \"" + id2 + "\".";
            case 1 -> "\"" + en + "\" means the same as \"" + en2 + "\".";
            case 2 -> "kata \"" + id + "\" dalam bahasa Inggris: \"" + en + "\".";
            case 3 -> "the Indonesian for \"" + en + "\" is \"" + id + "\".";
            case 4 -> String.join(" = ", c.id()) + " = " + String.join(" = ", c.en());
            case 5 -> id + " (" + en + ")";
            default -> "\"" + en + "\" in Indonesian: \"" + id + "\", also \"" + id2 + "\".";
        };
    }

    /**
     * One narrative sentence told twice with the same meaning: with two synonyms of its verb (or noun), or in
     * Indonesian and in English. Narrative (something someone did), so it never reads like a request to the app.
     */
    static String sentencePair(Random r) {
        String[] who = PEOPLE.get(r.nextInt(PEOPLE.size()));
        String[] when = TIMES.get(r.nextInt(TIMES.size()));
        String[] what = OBJECTS.get(r.nextInt(OBJECTS.size()));
        Concept subject = WORDS.get(0);
        return switch (r.nextInt(6)) {
            case 0 -> { // pay: two Indonesian verbs, then English
                Concept pay = ACTIONS.get(0);
                String s = pick(subject.id(), r);
                yield when[0] + " " + s + " " + pick(pay.id(), r) + " " + what[0] + ". " + when[0] + " " + s + " "
                        + pick(pay.id(), r) + " " + what[0] + ". " + capital(when[1]) + " I " + past(pick(pay.en(), r))
                        + " " + what[1] + ".";
            }
            case 1 -> { // send money to someone
                Concept send = ACTIONS.get(1);
                String money = pick(THINGS.get(3).id(), r);
                yield pick(subject.id(), r) + " " + pick(send.id(), r) + " " + money + " ke " + who[0] + " " + when[0]
                        + ". = I " + past(pick(send.en(), r)) + " " + pick(THINGS.get(3).en(), r) + " to " + who[1]
                        + " " + when[1] + ".";
            }
            case 2 -> { // ask someone for the money they owe
                Concept ask = ACTIONS.get(2);
                yield who[0] + " masih punya " + pick(THINGS.get(7).id(), r) + ", jadi " + pick(subject.id(), r) + " "
                        + pick(ask.id(), r) + " " + pick(THINGS.get(3).id(), r) + "nya. " + capital(who[1])
                        + " still owed me, so I " + past(pick(ask.en(), r)) + " the money.";
            }
            case 3 -> { // fill up a wallet or a phone
                Concept fill = ACTIONS.get(3);
                boolean phone = r.nextBoolean();
                String thing = phone ? pick(THINGS.get(8).id(), r) : pick(THINGS.get(2).id(), r);
                String thingEn = phone ? pick(THINGS.get(8).en(), r) : "my " + pick(THINGS.get(2).en(), r);
                yield pick(subject.id(), r) + " " + pick(fill.id(), r) + " " + thing + " " + when[0] + ". I "
                        + past(pick(fill.en(), r)) + " " + thingEn + " " + when[1] + ".";
            }
            case 4 -> { // look at the balance or the history of an account
                Concept show = ACTIONS.get(4);
                boolean history = r.nextBoolean();
                String id = history ? pick(THINGS.get(4).id(), r) + " " + pick(THINGS.get(5).id(), r)
                        : pick(THINGS.get(0).id(), r);
                String en = history ? "the " + pick(THINGS.get(5).en(), r) + " " + pick(THINGS.get(4).en(), r)
                        : "the " + pick(THINGS.get(0).en(), r);
                String acct = pick(THINGS.get(1).id(), r);
                yield "aplikasi bisa " + pick(show.id(), r) + " " + id + " " + acct + " " + pick(WORDS.get(1).id(), r)
                        + ". The app can " + pick(show.en(), r) + " " + en + " of my " + pick(THINGS.get(1).en(), r)
                        + ".";
            }
            default -> { // how much is left
                Concept much = WORDS.get(2);
                yield pick(much.id(), r) + " " + pick(THINGS.get(3).id(), r) + " yang tersisa di " + pick(
                        THINGS.get(1).id(), r) + "? Artinya: " + pick(much.en(), r) + " " + pick(THINGS.get(3).en(), r)
                        + " is left in the " + pick(THINGS.get(1).en(), r) + "? Itu sama dengan "
                        + pick(THINGS.get(0).id(), r) + ".";
            }
        };
    }

    /** A small-talk exchange: "A: apa kabar? B: baik, kamu gimana?". */
    static String dialogueLine(Random r) {
        String[] t = SMALL_TALK.get(r.nextInt(SMALL_TALK.size()));
        String answer = t[1 + r.nextInt(t.length - 1)];
        return "A: " + t[0] + " B: " + answer;
    }

    private static String pick(List<String> words, Random r) {
        return words.get(r.nextInt(words.size()));
    }

    private static String capital(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** The English past tense of the lexicon's verbs (two-word verbs inflect their first word). */
    static String past(String verb) {
        int space = verb.indexOf(' ');
        String head = space < 0 ? verb : verb.substring(0, space);
        String rest = space < 0 ? "" : verb.substring(space);
        String p = switch (head) {
            case "pay" -> "paid";
            case "send" -> "sent";
            case "buy" -> "bought";
            case "get" -> "got";
            case "ask" -> "asked";
            case "top" -> "topped";
            case "transfer" -> "transferred";
            case "remit" -> "remitted";
            default -> head.endsWith("e") ? head + "d" : head + "ed";
        };
        return p + rest;
    }
}
