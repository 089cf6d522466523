package org.finetune4j.runtime;

import ai.djl.engine.Engine;

/**
 * One place that prepares Deep Java Library before the engine loads.
 *
 * <p>finetune4j must run on machines without internet: DJL is put into offline mode so that it uses
 * the PyTorch native library bundled as a Maven dependency instead of trying to download one. A user
 * who really wants DJL to download a native flavour (for example a CUDA build) can start the JVM with
 * {@code -Dai.djl.offline=false}; an explicit setting always wins.
 */
public final class Djl {
    private static volatile Engine engine;

    private Djl() {}

    /** Sets the system properties DJL reads at start-up, unless the user has set them already. */
    public static void configure() {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        // No telemetry and no model zoo look-ups: we never load models through DJL's zoo.
        if (System.getProperty("ai.djl.disable_telemetry") == null) {
            System.setProperty("ai.djl.disable_telemetry", "true");
        }
    }

    /** The PyTorch engine, configured for offline use. */
    public static Engine engine() {
        Engine e = engine;
        if (e == null) {
            synchronized (Djl.class) {
                if (engine == null) {
                    configure();
                    engine = Engine.getEngine("PyTorch");
                }
                e = engine;
            }
        }
        return e;
    }
}
