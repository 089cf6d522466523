package org.finetune4j.notebook;

import java.util.List;
import java.util.Objects;
import org.finetune4j.data.SftDataset;
import org.finetune4j.peft.PeftModel;
import org.finetune4j.train.StandardBackprop;
import org.finetune4j.train.Trainer;
import org.finetune4j.train.TrainerConfig;
import org.finetune4j.train.TrainingListener;
import org.finetune4j.train.TrainingResult;

/**
 * One training run of a {@link PeftModel} on an {@link SftDataset}, as every notebook does it: the technique's
 * trainable parameters, plain backprop, validation on the held-out rows when there are any, dropout on only while
 * training. Runs on the calling thread (in a notebook: the cell's own thread, so live updates land in that cell).
 */
public final class PeftTraining {
    private PeftTraining() {}

    public static TrainingResult fit(PeftModel model, SftDataset data, TrainerConfig config,
            List<? extends TrainingListener> listeners) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(data, "data");
        Trainer.Builder builder = Trainer.builder().setParameters(model.trainableParameters())
                .setGradientComputer(new StandardBackprop(model)).setTrainData(data.train())
                .optValidationData(data.validation().orElse(null)).setConfig(config);
        listeners.forEach(builder::addListener);
        model.setTraining(true);
        try {
            return builder.build().fit();
        } finally {
            model.setTraining(false);
        }
    }
}
