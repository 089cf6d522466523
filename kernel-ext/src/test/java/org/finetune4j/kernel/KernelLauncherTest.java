package org.finetune4j.kernel;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rapaio.jupyter.kernel.channels.Channels;
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
}
