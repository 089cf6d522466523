package org.finetune4j.kernel;

import java.io.InputStream;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.LogManager;
import org.rapaio.jupyter.kernel.MainApp;
import org.rapaio.jupyter.kernel.channels.Channels;
import org.rapaio.jupyter.kernel.core.ConnectionProperties;
import org.rapaio.jupyter.kernel.core.Transform;

/**
 * The kernelspec's main class: starts rapaio-jupyter-kernel as its own {@code MainApp} does, minus a start-up race.
 *
 * <p>rapaio 3.0.1's {@code Channels.connect} starts the socket threads first, then initialises the kernel (JShell and
 * our init script: seconds, longer on a loaded machine), and only then creates its message-handler map. A
 * {@code kernel_info_request} that arrives in that window (clients send one as soon as the ports are open) makes the
 * shell thread call {@code get} on the still-null map; the thread dies and the kernel never answers, so the front end
 * waits forever ("Kernel didn't respond"; 8 of 19 notebook starts while both cores were busy training). With an
 * empty map set before {@code connect}, such an early request is logged as unhandled and dropped instead, and the
 * client's next {@code kernel_info_request} (Jupyter clients repeat it until answered) is served once the handlers
 * are in.
 *
 * <p>Anything but a single connection-file argument (the installer's {@code -i …}) goes to {@code MainApp} unchanged.
 */
public final class KernelLauncher {
    private KernelLauncher() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1 || args[0].startsWith("-")) {
            MainApp.main(args);
            return;
        }
        try (InputStream logging = MainApp.class.getClassLoader().getResourceAsStream("logging.properties")) {
            if (logging != null) {
                LogManager.getLogManager().readConfiguration(logging);
            }
        }
        Path file = Path.of(args[0]);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("connection file not found: " + file.toAbsolutePath());
        }
        ConnectionProperties props = Transform.fromJson(Files.readString(file), ConnectionProperties.class);
        Channels channels = new Channels(props);
        presetHandlers(channels);
        channels.connect(MainApp.kernel);
        channels.joinUntilClose();
    }

    /**
     * Gives {@code channels} an empty handler map before {@code connect} starts its threads (see the class comment).
     *
     * @throws IllegalStateException if the rapaio version on the class path has no such field (the kernelspec pins
     *                               the version this was written for)
     */
    static void presetHandlers(Channels channels) {
        try {
            Field handlers = handlersField();
            if (handlers.get(channels) == null) {
                handlers.set(channels, new HashMap<>()); // never written: safe to read from the shell thread
            }
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The handler map {@link #presetHandlers} set, or the one {@code connect} built; for tests. */
    @SuppressWarnings("unchecked")
    static Map<Object, Object> handlers(Channels channels) {
        try {
            return (Map<Object, Object>) handlersField().get(channels);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** rapaio's private {@code Channels.handlers}, made accessible. */
    private static Field handlersField() {
        try {
            Field handlers = Channels.class.getDeclaredField("handlers");
            handlers.setAccessible(true);
            return handlers;
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException("rapaio-jupyter-kernel's Channels has no 'handlers' field to preset", e);
        }
    }
}
