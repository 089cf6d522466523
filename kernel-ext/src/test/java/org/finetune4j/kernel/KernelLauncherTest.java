package org.finetune4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rapaio.jupyter.kernel.channels.AbstractChannel;
import org.rapaio.jupyter.kernel.channels.Channels;
import org.rapaio.jupyter.kernel.channels.LoopThread;
import org.rapaio.jupyter.kernel.core.ConnectionProperties;
import org.rapaio.jupyter.kernel.core.Transform;
import org.rapaio.jupyter.kernel.message.MessageType;

class KernelLauncherTest {
    private static final String CONNECTION = """
            {"shell_port": 50001, "iopub_port": 50002, "stdin_port": 50003, "control_port": 50004, "hb_port": 50005,
             "ip": "127.0.0.1", "key": "k", "transport": "tcp", "signature_scheme": "hmac-sha256",
             "kernel_name": "finetune4j"}""";

    /**
     * Before {@code connect}, rapaio's channels have no handler map; a shell message then fails with a
     * NullPointerException that kills the shell thread. After the preset, the same lookup answers "no handler"
     * (the message is logged and dropped, and the client's repeated kernel_info_request is served later).
     */
    @Test
    void presetGivesTheChannelsAnEmptyHandlerMapBeforeConnect() throws Exception {
        Channels channels = new Channels(Transform.fromJson(CONNECTION, ConnectionProperties.class));
        try {
            assertNull(KernelLauncher.handlers(channels), "rapaio 3.0.1 creates the map only in connect()");
            assertThrows(NullPointerException.class, () -> channels.getHandler(MessageType.SHELL_KERNEL_INFO_REQUEST));

            KernelLauncher.presetHandlers(channels);
            Map<Object, Object> preset = KernelLauncher.handlers(channels);
            assertNotNull(preset);
            assertTrue(preset.isEmpty());
            assertNull(channels.getHandler(MessageType.SHELL_KERNEL_INFO_REQUEST));

            KernelLauncher.presetHandlers(channels); // a map already there is kept
            assertSame(preset, KernelLauncher.handlers(channels));
        } finally {
            channels.close();
        }
    }

    @Test
    void missingConnectionFileIsNamed(@TempDir Path dir) {
        Path missing = dir.resolve("kernel-1.json");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KernelLauncher.main(new String[] {missing.toString()}));
        assertTrue(e.getMessage().contains(missing.toAbsolutePath().toString()), e.getMessage());
    }

    /**
     * rapaio's {@code LoopThread.start()} sets {@code running} after {@code super.start()}: a thread scheduled first
     * ends without reading its channel. Such an ended thread of an open channel is replaced by a live one with the
     * same name and body; threads of a closed channel, and channels never bound, are left alone.
     */
    @Test
    void anEndedLoopThreadOfAnOpenChannelIsReplacedByARunningOne() throws Exception {
        Channels channels = new Channels(Transform.fromJson(CONNECTION, ConnectionProperties.class));
        try {
            assertTrue(KernelLauncher.reviveLoopThreads(channels).isEmpty(), "unbound channels have no thread");
            AtomicInteger runs = new AtomicInteger();
            LoopThread ended = new LoopThread("Shell-0", 5, runs::incrementAndGet);
            ended.start();
            ended.shutdown();
            ended.join();
            Object shell = field(Channels.class, "shell").get(channels);
            field(shell.getClass(), "loopThread").set(shell, ended);
            int before = runs.get();

            assertEquals(List.of("shell"), KernelLauncher.reviveLoopThreads(channels));
            LoopThread fresh = (LoopThread) field(shell.getClass(), "loopThread").get(shell);
            assertNotSame(ended, fresh);
            assertEquals("Shell-0", fresh.getName());
            long deadline = System.currentTimeMillis() + 5_000;
            while (runs.get() < before + 3 && System.currentTimeMillis() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(runs.get() >= before + 3, "the new thread must run the old body repeatedly");
            assertTrue(fresh.isAlive());
            assertTrue(KernelLauncher.reviveLoopThreads(channels).isEmpty(), "a live thread is kept");

            fresh.shutdown();
            fresh.join();
            field(AbstractChannel.class, "closed").setBoolean(shell, true);
            assertTrue(KernelLauncher.reviveLoopThreads(channels).isEmpty(), "a closed channel stays closed");
            field(AbstractChannel.class, "closed").setBoolean(shell, false);
        } finally {
            channels.close();
        }
    }

    private static Field field(Class<?> owner, String name) throws NoSuchFieldException {
        Field f = owner.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }
}
