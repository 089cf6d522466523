package org.finetune4j.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.finetune4j.chat.ChatMessage;
import org.finetune4j.chat.Role;
import org.junit.jupiter.api.Test;

class GeneralTextCorpusTest {

    @Test
    void sameSeedSameDocumentsOtherSeedOtherDocuments() {
        assertEquals(GeneralTextCorpus.documents(3, 40), GeneralTextCorpus.documents(3, 40));
        assertNotEquals(GeneralTextCorpus.documents(3, 40), GeneralTextCorpus.documents(4, 40));
    }

    /** No names, phone numbers, amounts or dates of any split: the corpus holds no digit at all. */
    @Test
    void documentsHoldNoNumbersAndNoNames() {
        Set<String> names = new HashSet<>();
        for (String n : PaymentLexicon.NAMES) {
            names.add(n.toLowerCase(Locale.ROOT));
        }
        for (String doc : GeneralTextCorpus.documents(42, 2000)) {
            assertFalse(doc.chars().anyMatch(Character::isDigit), doc);
            for (String w : doc.toLowerCase(Locale.ROOT).split("[^\\p{L}]+")) {
                assertFalse(names.contains(w), () -> "name '" + w + "' in: " + doc);
            }
            int lines = (int) doc.lines().count();
            assertTrue(lines >= 3 && lines <= 6, doc);
        }
    }

    /** Every word of the lexicon shows up, in both its Indonesian and English forms, within 3,000 documents. */
    @Test
    void everyLexiconWordAppears() {
        String text = String.join("\n", GeneralTextCorpus.documents(42, 3000)).toLowerCase(Locale.ROOT);
        for (GeneralTextCorpus.Concept c : GeneralTextCorpus.lexicon()) {
            for (String w : concat(c.id(), c.en())) {
                assertTrue(Pattern.compile("(?<![\\p{L}-])" + Pattern.quote(w.toLowerCase(Locale.ROOT)) + "(?![\\p{L}])")
                        .matcher(text).find(), () -> "'" + w + "' (" + c.gloss() + ") never appears");
            }
        }
    }

    /**
     * The corpus teaches words, not the held-out sentences: no run of three consecutive fixed words of any
     * held-out (test) template — every choice of its alternatives and optional parts — appears in its documents
     * or its small-talk messages.
     */
    @Test
    void noThreeWordPhraseOfAHeldOutTemplateAppears() {
        Set<String> corpusTrigrams = new HashSet<>();
        List<String> texts = new ArrayList<>(GeneralTextCorpus.documents(42, 3000));
        for (List<ChatMessage> chat : GeneralTextCorpus.smallTalkChats(42, 3000)) {
            texts.add(chat.get(1).content());
        }
        for (String doc : texts) {
            for (String line : doc.lines().toList()) {
                List<String> words = words(line);
                for (int i = 0; i + 3 <= words.size(); i++) {
                    corpusTrigrams.add(String.join(" ", words.subList(i, i + 3)));
                }
            }
        }
        int checked = 0;
        for (MessageTemplate t : PaymentTemplates.all()) {
            if (t.split() != Split.TEST) {
                continue;
            }
            for (String expansion : expansions(t.text())) {
                for (String run : expansion.split("\\{[a-z]+\\}")) { // a slot breaks a phrase
                    List<String> words = words(run);
                    for (int i = 0; i + 3 <= words.size(); i++) {
                        String tri = String.join(" ", words.subList(i, i + 3));
                        checked++;
                        assertFalse(corpusTrigrams.contains(tri), () -> "'" + tri + "' of held-out template " + t.id());
                    }
                }
            }
        }
        assertTrue(checked > 100, "only " + checked + " trigrams checked");
    }

    /** Small talk: varied messages, no digits, the prose reply in the message's language, a reference date. */
    @Test
    void smallTalkChatsAreOffTopicWithTheRefusalReply() {
        assertEquals(GeneralTextCorpus.smallTalkChats(9, 30), GeneralTextCorpus.smallTalkChats(9, 30));
        List<List<ChatMessage>> chats = GeneralTextCorpus.smallTalkChats(42, 1000);
        Set<String> distinct = new HashSet<>();
        for (List<ChatMessage> chat : chats) {
            assertEquals(List.of(Role.SYSTEM, Role.USER, Role.ASSISTANT), chat.stream().map(ChatMessage::role).toList());
            assertTrue(chat.get(0).content().startsWith(TaskPrompts.PROSE_INSTRUCTIONS), chat.get(0).content());
            String user = chat.get(1).content();
            assertFalse(user.chars().anyMatch(Character::isDigit), user);
            distinct.add(user.toLowerCase(Locale.ROOT));
            String reply = chat.get(2).content();
            boolean english = GeneralTextCorpusTest.englishTopic(user);
            assertEquals(english ? "Sorry, I can only help with payments."
                    : "Maaf, saya hanya bisa membantu transaksi pembayaran.", reply, user);
        }
        assertTrue(distinct.size() > 500, distinct.size() + " distinct messages of 1000");
    }

    /** The English topic lines use words no Indonesian one does. */
    private static boolean englishTopic(String message) {
        String m = message.toLowerCase(Locale.ROOT);
        return Pattern.compile("\\b(what|any|is|it's|i'm|are|can|how|the|who's|when|where)\\b").matcher(m).find();
    }

    @Test
    void pastTenseOfTheLexiconVerbs() {
        assertEquals("paid off", GeneralTextCorpus.past("pay off"));
        assertEquals("settled", GeneralTextCorpus.past("settle"));
        assertEquals("topped up", GeneralTextCorpus.past("top up"));
        assertEquals("transferred", GeneralTextCorpus.past("transfer"));
        assertEquals("asked for", GeneralTextCorpus.past("ask for"));
        assertEquals("collected", GeneralTextCorpus.past("collect"));
    }

    private static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        for (String w : s.toLowerCase(Locale.ROOT).split("[^\\p{L}']+")) {
            if (!w.isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }

    private static final Pattern CHOICE = Pattern.compile("\\{w:([^}]*)\\}");
    private static final Pattern OPTIONAL = Pattern.compile("\\[([^\\[\\]]*)\\]");

    /** Every text a template can produce before slots are filled: each {w:…} alternative, each [ … ] kept or not. */
    static List<String> expansions(String template) {
        Matcher m = OPTIONAL.matcher(template);
        if (m.find()) {
            String kept = template.substring(0, m.start()) + m.group(1) + template.substring(m.end());
            String dropped = template.substring(0, m.start()) + template.substring(m.end());
            return concat(expansions(kept), expansions(dropped));
        }
        Matcher c = CHOICE.matcher(template);
        if (c.find()) {
            List<String> out = new ArrayList<>();
            for (String alt : c.group(1).split("\\|", -1)) {
                out.addAll(expansions(template.substring(0, c.start()) + alt + template.substring(c.end())));
            }
            return out;
        }
        return List.of(template);
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
