package org.finetune4j.train;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * Appends one line per logged step to a CSV file and flushes it, so the file can be plotted while
 * training runs and survives a crash. The header is written only when the file is new or empty, so a
 * resumed run continues the same file. Columns:
 * {@value #HEADER}.
 */
public final class CsvMetricsLogger implements TrainingListener, AutoCloseable {
    public static final String HEADER = "step,epoch,loss,lr,grad_norm,tokens,tokens_per_s,elapsed_s,skipped";
    private final Path file;
    private BufferedWriter out;

    public CsvMetricsLogger(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    @Override
    public void onStepEnd(StepEvent e) {
        try {
            if (out == null) {
                Path dir = file.toAbsolutePath().getParent();
                Files.createDirectories(dir);
                boolean fresh = !Files.exists(file) || Files.size(file) == 0;
                out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
                if (fresh) {
                    out.write(HEADER);
                    out.newLine();
                }
            }
            out.write(String.format(Locale.ROOT, "%d,%d,%s,%s,%s,%d,%.1f,%.3f,%b", e.step(), e.epoch(), e.loss(),
                    e.lr(), e.gradNorm(), e.tokens(), e.tokensPerSecond(), e.elapsed().toMillis() / 1000.0,
                    e.skipped()));
            out.newLine();
            out.flush();
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot append to metrics file " + file, ex);
        }
    }

    @Override
    public void onTrainEnd(TrainingResult result) {
        close();
    }

    @Override
    public void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException ex) {
                throw new UncheckedIOException("cannot close metrics file " + file, ex);
            } finally {
                out = null;
            }
        }
    }
}
