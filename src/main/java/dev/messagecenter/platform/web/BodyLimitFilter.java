package dev.messagecenter.platform.web;

import dev.messagecenter.platform.problem.PayloadTooLargeException;
import dev.messagecenter.platform.problem.ProblemType;
import dev.messagecenter.platform.problem.ProblemWriter;
import dev.messagecenter.platform.problem.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Caps request bodies: by {@code Content-Length} before reading, and by counting bytes for chunked
 * bodies. Streamed upload types get the larger upload limit.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class BodyLimitFilter extends OncePerRequestFilter {

    static final Set<String> UPLOAD_TYPES = Set.of("application/x-ndjson", "text/csv", "text/plain");

    private final WebProperties properties;
    private final ProblemWriter problems;

    BodyLimitFilter(WebProperties properties, ProblemWriter problems) {
        this.properties = properties;
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long limit = limitFor(request);
        long declared = request.getContentLengthLong();
        if (declared > limit) {
            problems.write(request, response, Problems.of(ProblemType.PAYLOAD_TOO_LARGE, message(limit)));
            return;
        }
        chain.doFilter(new LimitedRequest(request, limit), response);
    }

    private long limitFor(HttpServletRequest request) {
        String contentType = request.getContentType();
        if (contentType != null) {
            try {
                MediaType type = MediaType.parseMediaType(contentType);
                if (UPLOAD_TYPES.contains(type.getType() + "/" + type.getSubtype())) {
                    return properties.maxUploadSize().toBytes();
                }
            } catch (IllegalArgumentException ignored) {
                // an unparseable type is rejected later as unsupported; the small limit applies
            }
        }
        return properties.maxBodySize().toBytes();
    }

    static String message(long limit) {
        return "Request body is larger than the limit of " + limit + " bytes";
    }

    private static final class LimitedRequest extends HttpServletRequestWrapper {
        private final long limit;
        private ServletInputStream stream;

        LimitedRequest(HttpServletRequest request, long limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new LimitedInputStream(super.getInputStream(), limit);
            }
            return stream;
        }
    }

    private static final class LimitedInputStream extends ServletInputStream {
        private final ServletInputStream delegate;
        private final long limit;
        private long read;

        LimitedInputStream(ServletInputStream delegate, long limit) {
            this.delegate = delegate;
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = delegate.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = delegate.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) throws PayloadTooLargeException {
            read += n;
            if (read > limit) {
                throw new PayloadTooLargeException(message(limit));
            }
        }

        @Override
        public boolean isFinished() {
            return delegate.isFinished();
        }

        @Override
        public boolean isReady() {
            return delegate.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            delegate.setReadListener(listener);
        }
    }
}
