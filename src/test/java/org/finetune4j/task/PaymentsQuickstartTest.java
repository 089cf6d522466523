package org.finetune4j.task;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class PaymentsQuickstartTest {
    @Test
    void withoutOptionsTheQuickstartRunsTheRecipeDefaults() {
        PaymentsQuickstart q = new PaymentsQuickstart();
        new CommandLine(q).parseArgs();
        assertEquals(PaymentsRecipe.defaults(), q.recipe());
    }

    @Test
    void optionsChangeTheRecipe() {
        PaymentsQuickstart q = new PaymentsQuickstart();
        new CommandLine(q).parseArgs("--retrieval", "NONE", "--train-samples", "3400", "--seed", "43");
        assertEquals(PaymentsRecipe.defaults().withRetrieval(PaymentsRecipe.Retrieval.NONE, 1)
                .withBudget(3400, PaymentsRecipe.EPOCHS, 0).withSeed(43), q.recipe());
        PaymentsQuickstart off = new PaymentsQuickstart();
        new CommandLine(off).parseArgs("--prompt-tools=");
        assertEquals(PaymentsRecipe.defaults().withPromptTools(List.of()), off.recipe());
        PaymentsQuickstart dateOnly = new PaymentsQuickstart();
        new CommandLine(dateOnly).parseArgs("--prompt-tools", DateHintTool.NAME);
        assertEquals(List.of(DateHintTool.NAME), dateOnly.recipe().promptTools());
        PaymentsQuickstart free = new PaymentsQuickstart();
        new CommandLine(free).parseArgs("--decoding", "FREE");
        assertEquals(PaymentsRecipe.defaults().withDecoding(PaymentsRecipe.Decoding.FREE), free.recipe());
    }
}
