package dev.messagecenter.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The harness's command line. Sizes and durations default to the product owner's benchmark; the
 * smoke test shrinks them. {@code --mode embedded} runs the service on its embedded PostgreSQL;
 * {@code --mode distributed} on the machine's own PostgreSQL, RabbitMQ and Redis.
 */
record BenchOptions(
        Set<Scenario> scenarios,
        int recipients,
        int runs,
        Mode mode,
        Path out,
        Path dataRoot,
        String serviceHeap,
        List<String> serviceJavaOptions,
        boolean jfr,
        Duration directDuration,
        int directClients,
        Duration inboxDuration,
        int inboxClients,
        int inboxTokens,
        int inboxBroadcasts,
        int inboxDirects,
        int inboxRate,
        Duration referenceDuration,
        Duration warmupDuration,
        int searchMessages,
        int searchRequests,
        int searchClients,
        String postgres,
        String rabbit,
        String redisUrl) {

    enum Scenario {
        IMPORT,
        BROADCAST,
        DIRECT,
        INBOX,
        SEARCH
    }

    enum Mode {
        EMBEDDED,
        DISTRIBUTED
    }

    static final String USAGE = """
            Usage: bench/run.sh [options]
              --scenario all|import|broadcast|direct|inbox|search   comma list, default all
              --recipients N          recipients imported (default 1000000)
              --runs N                fresh service + data directory per run (default 3)
              --mode embedded|distributed   embedded PostgreSQL (default), or the machine's
                                      PostgreSQL + RabbitMQ + Redis (a database, queue and key
                                      prefix per run, removed afterwards)
              --postgres HOST:PORT    distributed: PostgreSQL, user postgres, trust (default 127.0.0.1:5432)
              --rabbit HOST:PORT      distributed: RabbitMQ, guest/guest (default 127.0.0.1:5672)
              --redis URL             distributed: Redis (default redis://127.0.0.1:6379)
              --out DIR               results directory (default bench/results)
              --data-dir DIR          service data directories (default target/bench-data)
              --service-heap SIZE     service -Xmx (default 512m)
              --service-java-option O one more JVM option for the service (repeatable), to
                                      compare settings; recorded in the results
              --jfr                   also record a JFR profile of the service per run
              --direct-seconds S      direct throughput duration (default 10)
              --direct-clients N      direct throughput clients (default 32)
              --inbox-seconds S       inbox read duration (default 20)
              --inbox-clients N       inbox read clients (default 64)
              --inbox-tokens N        receiver tokens minted for inbox reads (default 2000)
              --inbox-broadcasts N    live broadcasts prepared for inbox reads (default 50)
              --inbox-directs N       live direct messages prepared for inbox reads (default 950)
              --inbox-rate R          paced inbox reads per second, the bar's rate (default 3000)
              --reference-seconds S   loopback HTTP reference duration (default 5)
              --warmup-seconds S      unmeasured load before the direct creates, the inbox reads,
                                      the reference and search, so that they measure a warm
                                      service (default 10)
              --search-messages N     messages inserted by SQL for search (default 1000000)
              --search-requests N     search requests measured (default 2000)
              --search-clients N      concurrent search clients (default 2)
            """;

    static BenchOptions parse(String... args) {
        Set<Scenario> scenarios = EnumSet.allOf(Scenario.class);
        int recipients = 1_000_000;
        int runs = 3;
        Mode mode = Mode.EMBEDDED;
        Path out = Path.of("bench/results");
        Path dataRoot = Path.of("target/bench-data");
        String heap = "512m";
        List<String> serviceJavaOptions = new ArrayList<>();
        boolean jfr = false;
        Duration directDuration = Duration.ofSeconds(10);
        int directClients = 32;
        Duration inboxDuration = Duration.ofSeconds(20);
        int inboxClients = 64;
        int inboxTokens = 2000;
        int inboxBroadcasts = 50;
        int inboxDirects = 950;
        int inboxRate = 3000;
        Duration referenceDuration = Duration.ofSeconds(5);
        Duration warmupDuration = Duration.ofSeconds(10);
        int searchMessages = 1_000_000;
        int searchRequests = 2000;
        int searchClients = 2;
        String postgres = "127.0.0.1:5432";
        String rabbit = "127.0.0.1:5672";
        String redisUrl = "redis://127.0.0.1:6379";
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (option.equals("--jfr")) {
                jfr = true;
                continue;
            }
            if (option.equals("--help") || option.equals("-h")) {
                throw new IllegalArgumentException("");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("Option " + option + " needs a value");
            }
            String value = args[++i];
            switch (option) {
                case "--scenario" -> scenarios = scenarios(value);
                case "--recipients" -> recipients = positive(option, value);
                case "--runs" -> runs = positive(option, value);
                case "--mode" -> mode = Mode.valueOf(value.toUpperCase(Locale.ROOT));
                case "--out" -> out = Path.of(value);
                case "--data-dir" -> dataRoot = Path.of(value);
                case "--service-heap" -> heap = value;
                case "--service-java-option" -> serviceJavaOptions.add(value);
                case "--direct-seconds" -> directDuration = seconds(option, value);
                case "--direct-clients" -> directClients = positive(option, value);
                case "--inbox-seconds" -> inboxDuration = seconds(option, value);
                case "--inbox-clients" -> inboxClients = positive(option, value);
                case "--inbox-tokens" -> inboxTokens = positive(option, value);
                case "--inbox-broadcasts" -> inboxBroadcasts = positive(option, value);
                case "--inbox-directs" -> inboxDirects = positive(option, value);
                case "--inbox-rate" -> inboxRate = positive(option, value);
                case "--reference-seconds" -> referenceDuration = seconds(option, value);
                case "--warmup-seconds" -> warmupDuration = seconds(option, value);
                case "--search-messages" -> searchMessages = positive(option, value);
                case "--search-requests" -> searchRequests = positive(option, value);
                case "--search-clients" -> searchClients = positive(option, value);
                case "--postgres" -> postgres = value;
                case "--rabbit" -> rabbit = value;
                case "--redis" -> redisUrl = value;
                default -> throw new IllegalArgumentException("Unknown option " + option);
            }
        }
        return new BenchOptions(
                scenarios,
                recipients,
                runs,
                mode,
                out,
                dataRoot,
                heap,
                List.copyOf(serviceJavaOptions),
                jfr,
                directDuration,
                directClients,
                inboxDuration,
                inboxClients,
                inboxTokens,
                inboxBroadcasts,
                inboxDirects,
                inboxRate,
                referenceDuration,
                warmupDuration,
                searchMessages,
                searchRequests,
                searchClients,
                hostAndPort(postgres),
                hostAndPort(rabbit),
                redisUrl);
    }

    boolean has(Scenario scenario) {
        return scenarios.contains(scenario);
    }

    /** Broadcast, direct and inbox need a populated directory, so the import runs for them too. */
    boolean needsRecipients() {
        return has(Scenario.IMPORT) || has(Scenario.BROADCAST) || has(Scenario.DIRECT) || has(Scenario.INBOX);
    }

    /** The direct latency is measured while a broadcast runs, so the broadcast runs for it too. */
    boolean needsBroadcast() {
        return has(Scenario.BROADCAST) || has(Scenario.DIRECT);
    }

    /** {@code jdbc:postgresql://host:port/}, to which a database name is appended. */
    String postgresUrl() {
        return "jdbc:postgresql://" + postgres + "/";
    }

    String rabbitHost() {
        return rabbit.substring(0, rabbit.lastIndexOf(':'));
    }

    int rabbitPort() {
        return Integer.parseInt(rabbit.substring(rabbit.lastIndexOf(':') + 1));
    }

    private static String hostAndPort(String value) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException(value + " is not HOST:PORT");
        }
        positive(value, value.substring(colon + 1));
        return value;
    }

    String modeName() {
        return mode.name().toLowerCase(Locale.ROOT);
    }

    private static Set<Scenario> scenarios(String value) {
        Set<Scenario> chosen = EnumSet.noneOf(Scenario.class);
        for (String name : value.split(",")) {
            String trimmed = name.trim().toUpperCase(Locale.ROOT);
            if (trimmed.equals("ALL")) {
                chosen.addAll(EnumSet.allOf(Scenario.class));
            } else if (!trimmed.isEmpty()) {
                chosen.add(Scenario.valueOf(trimmed));
            }
        }
        if (chosen.isEmpty()) {
            throw new IllegalArgumentException("--scenario names no scenario");
        }
        return chosen;
    }

    private static int positive(String option, String value) {
        int parsed = Integer.parseInt(value.replace("_", ""));
        if (parsed < 1) {
            throw new IllegalArgumentException(option + " must be at least 1");
        }
        return parsed;
    }

    private static Duration seconds(String option, String value) {
        return Duration.ofMillis(Math.round(Double.parseDouble(value) * 1000));
    }
}
