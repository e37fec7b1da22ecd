package dev.messagecenter.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the machine's CPU went during a load: the whole machine's busy time from Linux's {@code
 * /proc/stat}, the load generator's own from its JVM, and the service's from its {@code
 * process_cpu_time_ns_total}. What is left is everything else on the machine: the database, and in
 * distributed mode RabbitMQ and Redis too.
 */
final class MachineCpu {

    /** {@code /proc/stat} counts in USER_HZ ticks, 100 a second on Linux whatever the kernel's HZ. */
    private static final long NANOS_PER_TICK = 10_000_000;

    private static final Path PROC_STAT = Path.of("/proc/stat");

    private final Http http;
    private final Ticks machineBefore;
    private final long harnessBefore;
    private final double serviceBefore;

    private record Ticks(long busy, long all) {}

    private MachineCpu(Http http, Ticks machine) {
        this.http = http;
        this.machineBefore = machine;
        this.harnessBefore = harnessNanos();
        this.serviceBefore = http.metric(Target.CPU_TIME, "");
    }

    /** Starts measuring; empty where the machine has no {@code /proc/stat}. */
    static Optional<MachineCpu> start(Http http) {
        return machineTicks().map(ticks -> new MachineCpu(http, ticks));
    }

    /**
     * Records, per request, the milliseconds of CPU the service, the load generator and the rest of
     * the machine used since {@link #start}, and how busy the machine's cores were, in percent.
     */
    void record(Target target, String prefix, long requests) {
        Optional<Ticks> after = machineTicks();
        if (after.isEmpty() || requests == 0) {
            return;
        }
        long busyTicks = after.get().busy() - machineBefore.busy();
        double machine = busyTicks * (double) NANOS_PER_TICK;
        double service = http.metric(Target.CPU_TIME, "") - serviceBefore;
        double harness = harnessNanos() - harnessBefore;
        target.detail(prefix + "MachineBusyPercent", 100.0 * busyTicks / (after.get().all() - machineBefore.all()));
        target.detail(prefix + "ServiceCpuMsPerRead", service / 1e6 / requests);
        target.detail(prefix + "HarnessCpuMsPerRead", harness / 1e6 / requests);
        target.detail(prefix + "OtherCpuMsPerRead", Math.max(0, machine - service - harness) / 1e6 / requests);
    }

    private static long harnessNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Busy and all ticks of every core: busy is user, nice, system, irq and softirq time. */
    private static Optional<Ticks> machineTicks() {
        try {
            String[] fields = Files.readAllLines(PROC_STAT).getFirst().trim().split("\\s+");
            long busy = 0;
            long all = 0;
            // cpu user nice system idle iowait irq softirq steal ...
            for (int i = 1; i <= 8 && i < fields.length; i++) {
                long ticks = Long.parseLong(fields[i]);
                all += ticks;
                if (i != 4 && i != 5 && i != 8) {
                    busy += ticks;
                }
            }
            return Optional.of(new Ticks(busy, all));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
