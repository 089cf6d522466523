package org.finetune4j.kernel;

import java.io.InputStream;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import org.rapaio.jupyter.kernel.MainApp;
import org.rapaio.jupyter.kernel.channels.AbstractChannel;
import org.rapaio.jupyter.kernel.channels.Channels;
import org.rapaio.jupyter.kernel.channels.LoopThread;
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
 * <p>A second race, in rapaio's {@code LoopThread.start()}: it calls {@code super.start()} and only then sets
 * {@code running = true}, while {@code run()} loops {@code while (running)}. When the new thread is scheduled
 * before the starting thread sets the flag (the usual case on a busy machine), it sees {@code false} and ends at
 * once: the channel is bound, clients connect, and nothing ever reads it. A dead shell loop hangs every client
 * ("Kernel didn't respond"; 3 of 17 loaded starts here), a dead heartbeat loop makes the kernel look dead.
 * {@link #reviveLoopThreads} replaces such a thread with one whose flag is set before it starts.
 *
 * <p>Anything but a single connection-file argument (the installer's {@code -i …}) goes to {@code MainApp} unchanged.
 */
public final class KernelLauncher {
    private static final Logger LOG = Logger.getLogger(KernelLauncher.class.getSimpleName());

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
        // rapaio's channel threads die silently on an uncaught exception: the kernel redirects System.err into the
        // notebook's output stream, so the default handler's stack trace is lost. Log it where the kernel logs.
        Thread.setDefaultUncaughtExceptionHandler(
                (t, e) -> LOG.log(Level.SEVERE, "thread " + t.getName() + " died", e));
        Path file = Path.of(args[0]);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("connection file not found: " + file.toAbsolutePath());
        }
        ConnectionProperties props = Transform.fromJson(Files.readString(file), ConnectionProperties.class);
        Channels channels = new Channels(props);
        presetHandlers(channels);
        channels.connect(MainApp.kernel);
        startWatchdog(channels);
        channels.joinUntilClose();
    }

    /**
     * Checks the channels' loop threads for {@value #WATCH_MS} ms after {@code connect} and revives those that
     * lost the start-up race; a thread that lost it has already read {@code running == false} when {@code connect}
     * returns, so it ends within that time. The kernel's own shutdown is left alone.
     */
    private static void startWatchdog(Channels channels) {
        Thread watchdog = new Thread(() -> {
            long end = System.currentTimeMillis() + WATCH_MS;
            try {
                while (System.currentTimeMillis() < end && !channels.isMarkedForShutdown()) {
                    reviveLoopThreads(channels);
                    Thread.sleep(50);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "loop-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    private static final long WATCH_MS = 20_000;

    /** The channels whose messages are read by a {@code LoopThread}: rapaio's field names. */
    static final List<String> LOOPING_CHANNELS = List.of("shell", "control", "heartbeat");

    /**
     * Replaces every loop thread of {@code channels} that has ended while its channel is open by a new thread with
     * the same name, pause and body, its {@code running} flag set before {@code start()}.
     *
     * @return the names of the channels whose thread was replaced
     */
    static List<String> reviveLoopThreads(Channels channels) {
        List<String> revived = new ArrayList<>();
        try {
            for (String name : LOOPING_CHANNELS) {
                Object channel = field(Channels.class, name).get(channels);
                Field loopField = field(channel.getClass(), "loopThread");
                LoopThread old = (LoopThread) loopField.get(channel);
                boolean closed = field(AbstractChannel.class, "closed").getBoolean(channel);
                if (old == null || closed || old.getState() != Thread.State.TERMINATED) {
                    continue;
                }
                LoopThread fresh = new LoopThread(old.getName(), field(LoopThread.class, "sleep").getLong(old),
                        (Runnable) field(LoopThread.class, "loopBody").get(old));
                field(LoopThread.class, "running").setBoolean(fresh, true); // before start: the race this repairs
                loopField.set(channel, fresh);
                fresh.start();
                LOG.warning("revived the " + name + " channel's loop thread, which ended at start-up");
                revived.add(name);
            }
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
        return revived;
    }

    private static Field field(Class<?> owner, String name) {
        try {
            Field f = owner.getDeclaredField(name);
            f.setAccessible(true);
            return f;
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException("rapaio-jupyter-kernel's " + owner.getSimpleName() + " has no '" + name
                    + "' field (the kernelspec pins the version this was written for)", e);
        }
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
        return field(Channels.class, "handlers");
    }
}
