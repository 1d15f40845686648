package io.batchbridge.chaos;

import io.batchbridge.kafka.embedded.ChildProcessKafka;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The seeded kill schedule of a chaos run. */
final class Havoc {
    private static final Logger log = LoggerFactory.getLogger(Havoc.class);

    private Havoc() {}

    /** Kills and restarts at seeded random moments; returns {role kills, broker restarts}. */
    static int[] run(
            ChaosSettings s, Random random, ChildProcessKafka broker, JavaProcess submitter, JavaProcess worker)
            throws InterruptedException {
        long window = Math.max(45_000, s.requests() * 20L);
        List<long[]> events = new ArrayList<>(); // {at ms, kind: 0 submitter, 1 worker, 2 broker}
        for (int k = 0; k < s.killsPerRole(); k++) {
            events.add(new long[] {3_000 + (long) (random.nextDouble() * window), 0});
            events.add(new long[] {3_000 + (long) (random.nextDouble() * window), 1});
        }
        for (int k = 0; k < s.brokerRestarts(); k++) {
            events.add(new long[] {10_000 + (long) (random.nextDouble() * window * 0.8), 2});
        }
        Collections.sort(events, (a, b) -> Long.compare(a[0], b[0]));
        long start = System.nanoTime();
        int kills = 0;
        int restarts = 0;
        for (long[] e : events) {
            long wait = e[0] - (System.nanoTime() - start) / 1_000_000;
            if (wait > 0) {
                TimeUnit.MILLISECONDS.sleep(wait);
            }
            if (e[1] == 2) {
                log.info("chaos: restarting the broker");
                broker.restart();
                restarts++;
            } else {
                JavaProcess p = e[1] == 0 ? submitter : worker;
                log.info("chaos: SIGKILL {}", p.name());
                p.killAndRestart(200 + random.nextInt(1500));
                kills++;
            }
        }
        return new int[] {kills, restarts};
    }
}
