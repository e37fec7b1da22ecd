package dev.messagecenter.platform.web;

import dev.messagecenter.platform.db.DatabaseProperties;
import dev.messagecenter.platform.problem.ProblemType;
import dev.messagecenter.platform.problem.ProblemWriter;
import dev.messagecenter.platform.problem.Problems;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Lets at most {@code messagecenter.web.max-concurrent-requests} API requests run at once; the
 * others wait in arrival order, and one that waited {@code admission-timeout} is answered 503 with
 * {@code Retry-After}. Each running request holds at most one database connection, so the rest of
 * the pool always stays with the delivery pipeline: without this bound, a thousand polling clients
 * queue on the pool ahead of the planners and workers, and deliveries (which are what the clients
 * poll for) stop. Health, metrics and documentation endpoints are not limited.
 *
 * <p>Metrics: {@value #WAITING} (requests waiting now), {@value #REJECTED} (answered 503 after
 * waiting too long).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 6)
class AdmissionFilter extends OncePerRequestFilter {

    static final String WAITING = "messagecenter.http.admission.waiting";
    static final String REJECTED = "messagecenter.http.admission.rejected";

    private static final Logger log = LoggerFactory.getLogger(AdmissionFilter.class);

    private final Semaphore permits;
    private final long timeoutNanos;
    private final String retryAfter;
    private final ProblemWriter problems;
    private final Counter rejected;

    AdmissionFilter(
            WebProperties properties, DatabaseProperties database, ProblemWriter problems, MeterRegistry meters) {
        this.permits = new Semaphore(properties.maxConcurrentRequests(), true);
        this.timeoutNanos = properties.admissionTimeout().toNanos();
        this.retryAfter =
                Long.toString(Math.max(1, properties.admissionTimeout().toSeconds()));
        this.problems = problems;
        this.rejected = meters.counter(REJECTED);
        Gauge.builder(WAITING, permits, Semaphore::getQueueLength).register(meters);
        if (properties.maxConcurrentRequests() >= database.poolSize()) {
            log.warn(
                    "messagecenter.web.max-concurrent-requests ({}) is not below the database pool size ({}):"
                            + " API requests can take every connection and stall deliveries",
                    properties.maxConcurrentRequests(),
                    database.poolSize());
        }
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith("/api/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        boolean admitted;
        try {
            admitted = permits.tryAcquire(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            admitted = false;
        }
        if (!admitted) {
            rejected.increment();
            response.setHeader(HttpHeaders.RETRY_AFTER, retryAfter);
            problems.write(
                    request,
                    response,
                    Problems.of(ProblemType.SERVICE_UNAVAILABLE, "The service is busy; retry shortly"));
            return;
        }
        try {
            chain.doFilter(request, response);
        } finally {
            permits.release();
        }
    }
}
