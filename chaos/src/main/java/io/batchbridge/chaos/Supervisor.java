package io.batchbridge.chaos;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Restarts a role that exited by itself (e.g. on a fatal producer error), as Kubernetes would. */
final class Supervisor extends Thread {
    private static final Logger log = LoggerFactory.getLogger(Supervisor.class);

    private final List<JavaProcess> processes;
    private volatile int restarts;

    Supervisor(List<JavaProcess> processes) {
        super("chaos-supervisor");
        setDaemon(true);
        this.processes = processes;
    }

    @Override
    public void run() {
        try {
            while (!isInterrupted()) {
                TimeUnit.SECONDS.sleep(1);
                for (JavaProcess p : processes) {
                    if (p.restartIfDead()) {
                        log.warn("chaos: {} exited by itself; restarted it", p.name());
                        restarts++;
                    }
                }
            }
        } catch (InterruptedException e) {
            // stopped
        }
    }

    int restarts() {
        return restarts;
    }
}
