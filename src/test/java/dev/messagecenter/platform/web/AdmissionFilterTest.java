package dev.messagecenter.platform.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.messagecenter.platform.db.DatabaseProperties;
import dev.messagecenter.platform.problem.ProblemWriter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.FilterChain;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.json.JsonMapper;

class AdmissionFilterTest {

    private SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private AdmissionFilter filter = filter(Duration.ofMillis(200));
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    @Test
    void anApiRequestBeyondTheLimitWaitsThenIsAnswered503WithRetryAfter() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        FilterChain holding = (request, response) -> {
            entered.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ((MockHttpServletResponse) response).setStatus(200);
        };
        Future<MockHttpServletResponse> first = threads.submit(() -> run("/api/v1/recipients:import", holding));
        assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();

        MockHttpServletResponse refused = run("/api/v1/inbox", (request, response) -> {
            throw new AssertionError("must not run while the only permit is held");
        });
        assertThat(refused.getStatus()).isEqualTo(503);
        assertThat(refused.getContentType()).isEqualTo("application/problem+json");
        assertThat(refused.getHeader("Retry-After")).isEqualTo("1");
        assertThat(refused.getContentAsString()).contains("busy");
        assertThat(meters.counter(AdmissionFilter.REJECTED).count()).isEqualTo(1);

        // health and metrics are never limited
        assertThat(run("/actuator/health", (request, response) -> {}).getStatus())
                .isEqualTo(200);

        release.countDown();
        assertThat(first.get(5, TimeUnit.SECONDS).getStatus()).isEqualTo(200);
        assertThat(run("/api/v1/inbox", (request, response) -> {}).getStatus()).isEqualTo(200);
    }

    @Test
    void aWaitingRequestRunsAsSoonAsAPermitFrees() throws Exception {
        filter = filter(Duration.ofSeconds(30));
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        Future<MockHttpServletResponse> holder = threads.submit(() -> run("/api/v1/messages", (request, response) -> {
            entered.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
        Future<MockHttpServletResponse> waiting = threads.submit(() -> run("/api/v1/inbox", (request, response) -> {}));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> meters.get(AdmissionFilter.WAITING).gauge().value() == 1.0);

        release.countDown();
        assertThat(waiting.get(5, TimeUnit.SECONDS).getStatus()).isEqualTo(200);
        assertThat(holder.get(5, TimeUnit.SECONDS).getStatus()).isEqualTo(200);
        assertThat(meters.counter(AdmissionFilter.REJECTED).count()).isZero();
    }

    private AdmissionFilter filter(Duration admissionTimeout) {
        meters = new SimpleMeterRegistry();
        return new AdmissionFilter(
                new WebProperties(DataSize.ofMegabytes(1), DataSize.ofGigabytes(1), 1, admissionTimeout),
                new DatabaseProperties("", "", "", 20, null),
                new ProblemWriter(JsonMapper.builder().build()),
                meters);
    }

    private MockHttpServletResponse run(String uri, FilterChain chain) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", uri);
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, chain);
        return response;
    }
}
