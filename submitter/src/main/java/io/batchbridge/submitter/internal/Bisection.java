package io.batchbridge.submitter.internal;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The create calls one rejected batch may spend isolating the request(s) the API refuses, shared by all its
 * halves (creates of halves run on several threads). Without a budget a batch whose every request is refused
 * costs 2N−1 calls.
 */
public final class Bisection {
    private final int maxCalls;
    private final AtomicInteger calls = new AtomicInteger();
    private volatile String lastAnswer;

    public Bisection(int maxCalls, String firstAnswer) {
        this.maxCalls = maxCalls;
        this.lastAnswer = firstAnswer;
    }

    /** Takes one call from the budget; false when it is spent (the call must not be made). */
    public boolean tryCall() {
        return calls.getAndUpdate(n -> n < maxCalls ? n + 1 : n) < maxCalls;
    }

    public int maxCalls() {
        return maxCalls;
    }

    public int spent() {
        return calls.get();
    }

    /** The API's last answer to a part of this batch (for the dead letters of the remaining suspects). */
    public String lastAnswer() {
        return lastAnswer;
    }

    void answered(String answer) {
        this.lastAnswer = answer;
    }
}
