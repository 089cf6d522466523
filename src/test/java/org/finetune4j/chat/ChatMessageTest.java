package org.finetune4j.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChatMessageTest {
    @Test
    void lastUserContentIsTheLatestUserTurnWhateverFollowsIt() {
        List<ChatMessage> chat = List.of(ChatMessage.system("s"), ChatMessage.user("first"),
                ChatMessage.assistant("a"), ChatMessage.user("second"), ChatMessage.assistant("b"));
        assertEquals(Optional.of("second"), ChatMessage.lastUserContent(chat));
        assertEquals(Optional.of("first"), ChatMessage.lastUserContent(chat.subList(0, 3)));
        assertEquals(Optional.empty(), ChatMessage.lastUserContent(List.of(ChatMessage.system("s"))));
        assertEquals(Optional.empty(), ChatMessage.lastUserContent(List.of()));
    }
}
