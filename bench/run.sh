#!/usr/bin/env bash
# The Message Center benchmark: builds the jar and the harness (one build), then runs the harness.
# Options: see bench/README.md or `bench/run.sh --help`.
#   bench/run.sh                                   # everything, 1,000,000 recipients, 3 runs
#   bench/run.sh --mode distributed                # the same on local PostgreSQL, RabbitMQ, Redis
#   bench/run.sh --scenario inbox,search --runs 1 --recipients 100000
set -euo pipefail
cd "$(dirname "$0")/.."

# A JDK 21 or newer: Temurin 25 when the machine has it (as .ci/run), else whatever JAVA_HOME is.
for jdk in /usr/lib/jvm/temurin-25-jdk-amd64 "${JAVA_HOME:-}" /usr/lib/jvm/temurin-21-jdk-amd64; do
  if [ -n "$jdk" ] && [ -x "$jdk/bin/java" ] \
     && "$jdk/bin/java" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])'; then
    export JAVA_HOME="$jdk"
    break
  fi
done
export PATH="$JAVA_HOME/bin:$PATH"
export MAVEN_ARGS="${MAVEN_ARGS:--B -ntp}"

# why: a formatting slip in a work-in-progress file must not stop a benchmark; CI checks formatting
./mvnw -q -B package -DskipTests -Dspotless.check.skip=true
./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath

# why: other builds on the machine rewrite target/ (a repackaged jar breaks a running service with
# NoClassDefFoundError), so the benchmark runs from private copies of the jar and the classes
snapshot="$(mktemp -d "${TMPDIR:-/tmp}/message-center-bench.XXXXXX")"
trap 'rm -rf "$snapshot"' EXIT
cp -r target/test-classes target/classes target/message-center.jar "$snapshot/"

java -XX:+UseG1GC -Xmx2g -Dmc.jar="$snapshot/message-center.jar" \
  -cp "$snapshot/test-classes:$snapshot/classes:$(cat target/bench.classpath)" \
  dev.messagecenter.bench.Bench "$@"
