package org.finetune4j.io.hub;

import java.io.IOException;

/** A Hub operation that failed for a reason the caller may want to tell apart (see {@link #reason()}). */
public class HubException extends IOException {

    private static final long serialVersionUID = 1L;

    /** Why a Hub operation failed. */
    public enum Reason {
        /** HTTP 401/403: gated or private repo and no (or an insufficient) token. */
        UNAUTHORIZED,
        /** HTTP 404: repo, revision or file does not exist. */
        NOT_FOUND,
        /** {@code HF_HUB_OFFLINE} is set and the answer is not in the cache. */
        OFFLINE,
        /** Downloaded bytes do not match the announced size or sha256. */
        INTEGRITY,
        /** The server did not answer in time, even after retries. */
        TIMEOUT,
        /** 5xx or a broken connection, even after retries. */
        SERVER,
        /** The server answered something this client does not understand. */
        PROTOCOL
    }

    private final Reason reason;

    public HubException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public HubException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
