package dev.messagecenter.platform.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates operator and service calls by {@code Authorization: Bearer <api key>}. A request
 * without the header goes on anonymous (and is refused by the rules that need a scope); a request
 * with an unknown or revoked key is refused at once.
 */
final class ApiKeyAuthenticationFilter extends OncePerRequestFilter {

    private final JdbcApiKeyStore keys;
    private final AuthenticationEntryPoint entryPoint;

    ApiKeyAuthenticationFilter(JdbcApiKeyStore keys, AuthenticationEntryPoint entryPoint) {
        this.keys = keys;
        this.entryPoint = entryPoint;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null) {
            chain.doFilter(request, response);
            return;
        }
        String credentials = BearerHeader.credentials(header);
        Optional<ApiKey> key = credentials == null ? Optional.empty() : keys.findActive(credentials);
        if (key.isEmpty()) {
            SecurityContextHolder.clearContext();
            entryPoint.commence(request, response, new BadCredentialsException("Unknown or revoked API key"));
            return;
        }
        SecurityContextHolder.getContext().setAuthentication(new ApiKeyAuthentication(key.get()));
        chain.doFilter(request, response);
    }

    /** The caller is an API key; its authorities are its scopes and the scopes they imply. */
    static final class ApiKeyAuthentication extends AbstractAuthenticationToken {
        private final ApiKey key;

        ApiKeyAuthentication(ApiKey key) {
            super(key.scopes().stream()
                    .flatMap(scope -> scope.implied().stream())
                    .distinct()
                    .map(scope -> new SimpleGrantedAuthority(scope.authority()))
                    .toList());
            this.key = key;
            setAuthenticated(true);
        }

        @Override
        public Object getCredentials() {
            return "";
        }

        @Override
        public Object getPrincipal() {
            return key.name();
        }

        ApiKey key() {
            return key;
        }
    }
}
