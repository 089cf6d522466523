package org.finetune4j.kernel;

import java.util.UUID;
import org.rapaio.jupyter.kernel.MainApp;
import org.rapaio.jupyter.kernel.display.DisplayData;

/**
 * Where {@link Live} sends outputs. {@link #kernel()} is the running kernel (the path {@code Global.display} and
 * {@code Global.updateDisplay} take, minus their re-rendering); tests pass a recording sink.
 */
public interface DisplaySink {

    /** Sends a new output and returns its display id. */
    String display(DisplayData data);

    /** Replaces the output with display id {@code id} in place. */
    void update(String id, DisplayData data);

    /** The kernel this code runs in; outside a kernel cell the kernel drops the messages. */
    static DisplaySink kernel() {
        return new DisplaySink() {
            @Override
            public String display(DisplayData data) {
                String id = UUID.randomUUID().toString();
                data.setDisplayId(id);
                MainApp.kernel.display(data);
                return id;
            }

            @Override
            public void update(String id, DisplayData data) {
                data.setDisplayId(id);
                MainApp.kernel.updateDisplay(data);
            }
        };
    }
}
