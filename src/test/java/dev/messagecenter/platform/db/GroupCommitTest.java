package dev.messagecenter.platform.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class GroupCommitTest {

    private final List<List<Integer>> batches = new CopyOnWriteArrayList<>();
    private final List<Integer> alone = new CopyOnWriteArrayList<>();
    private final List<Integer> committed = new CopyOnWriteArrayList<>();

    private GroupCommit<Integer, String> group(
            int writers, int maxBatch, Function<List<Integer>, List<String>> together) {
        return new GroupCommit<>(
                "test-group",
                writers,
                maxBatch,
                jobs -> {
                    batches.add(jobs);
                    return together.apply(jobs);
                },
                job -> {
                    alone.add(job);
                    return "alone " + job;
                },
                committed::add);
    }

    private static List<String> answers(List<Integer> jobs) {
        return jobs.stream().map(job -> "batched " + job).toList();
    }

    @Test
    void jobsThatArriveWhileABatchRunsAreDoneTogetherAndEachGetsItsOwnAnswer() throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        try (GroupCommit<Integer, String> group = group(1, 64, jobs -> {
            if (jobs.contains(0)) {
                await().until(() -> held.getCount() == 0);
            }
            return answers(jobs);
        })) {
            ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();
            List<Future<String>> answers = new ArrayList<>();
            answers.add(callers.submit(() -> group.submit(0)));
            await().until(() -> !batches.isEmpty());
            for (int i = 1; i < 10; i++) {
                int job = i;
                answers.add(callers.submit(() -> group.submit(job)));
            }
            await().until(() -> group.waiting() == 9);
            held.countDown();
            for (int i = 0; i < 10; i++) {
                assertThat(answers.get(i).get(10, TimeUnit.SECONDS)).isEqualTo("batched " + i);
            }
            callers.shutdown();
        }
        assertThat(batches).hasSize(2);
        assertThat(batches.get(0)).containsExactly(0);
        assertThat(batches.get(1)).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(committed).containsExactly(1, 9);
        assertThat(alone).isEmpty();
    }

    @Test
    void aBatchTakesAtMostMaxBatchJobs() throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        try (GroupCommit<Integer, String> group = group(1, 4, jobs -> {
            if (jobs.contains(0)) {
                await().until(() -> held.getCount() == 0);
            }
            return answers(jobs);
        })) {
            ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();
            List<Future<String>> answers = new ArrayList<>();
            answers.add(callers.submit(() -> group.submit(0)));
            await().until(() -> !batches.isEmpty());
            for (int i = 1; i < 10; i++) {
                int job = i;
                answers.add(callers.submit(() -> group.submit(job)));
            }
            await().until(() -> group.waiting() == 9);
            held.countDown();
            for (int i = 0; i < 10; i++) {
                assertThat(answers.get(i).get(10, TimeUnit.SECONDS)).isEqualTo("batched " + i);
            }
            callers.shutdown();
        }
        assertThat(batches).extracting(List::size).containsExactly(1, 4, 4, 1);
    }

    @Test
    void whenABatchFailsEachOfItsJobsIsDoneAloneByItsCaller() throws Exception {
        try (GroupCommit<Integer, String> group = group(2, 64, jobs -> {
            throw new IllegalStateException("the batch's transaction rolled back");
        })) {
            assertThat(group.submit(7)).isEqualTo("alone 7");
        }
        assertThat(batches).containsExactly(List.of(7));
        assertThat(alone).containsExactly(7);
        assertThat(committed).isEmpty();
    }

    @Test
    void aJobDoneAloneThatFailsFailsItsCallerOnly() {
        try (GroupCommit<Integer, String> group = new GroupCommit<>(
                "test-group",
                1,
                64,
                jobs -> {
                    throw new IllegalStateException("rolled back");
                },
                job -> {
                    throw new IllegalArgumentException("job " + job + " is refused");
                },
                size -> {})) {
            assertThatThrownBy(() -> group.submit(3))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("job 3 is refused");
        }
    }

    @Test
    void afterCloseJobsAreDoneAlone() {
        GroupCommit<Integer, String> group = group(1, 64, GroupCommitTest::answers);
        assertThat(group.submit(1)).isEqualTo("batched 1");
        group.close();
        assertThat(group.submit(2)).isEqualTo("alone 2");
        assertThat(batches).containsExactly(List.of(1));
    }

    @Test
    void aWrongNumberOfAnswersFailsTheCallersAndIsNeverRedone() {
        try (GroupCommit<Integer, String> group = group(1, 64, jobs -> List.of())) {
            assertThatThrownBy(() -> group.submit(5))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("0 results for a batch of 1");
        }
        assertThat(alone).isEmpty();
    }
}
