package dev.messagecenter.platform.security;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.BearerTokenErrors;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;

/**
 * Reads the credentials of {@code Authorization: Bearer <credentials>} for both chains: the API
 * key filter takes them as they are, the receiver chain takes them as a token. A receiver token
 * must be RFC 6750's {@code b64token} (letters, digits, {@code -._~+/}, then any {@code =}); a
 * missing header or another scheme is no token, a malformed one is {@code invalid_token}, as with
 * Spring Security's own resolver, which matches a regular expression on every inbox read.
 */
final class BearerHeader implements BearerTokenResolver {

    private static final String SCHEME = "Bearer";

    /** What follows {@code Bearer } (any case), trimmed; null for a missing header or another scheme. */
    static @Nullable String credentials(@Nullable String header) {
        return bearer(header) && header.startsWith(" ", SCHEME.length())
                ? header.substring(SCHEME.length() + 1).trim()
                : null;
    }

    @Override
    public @Nullable String resolve(HttpServletRequest request) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (!bearer(header)) {
            return null;
        }
        String token = header.startsWith(" ", SCHEME.length()) ? header.substring(SCHEME.length() + 1) : "";
        if (!b64token(token)) {
            throw new OAuth2AuthenticationException(BearerTokenErrors.invalidToken("Bearer token is malformed"));
        }
        return token;
    }

    private static boolean bearer(@Nullable String header) {
        return header != null && header.regionMatches(true, 0, SCHEME, 0, SCHEME.length());
    }

    private static boolean b64token(String token) {
        int end = token.length();
        while (end > 0 && token.charAt(end - 1) == '=') {
            end--;
        }
        if (end == 0) {
            return false;
        }
        for (int i = 0; i < end; i++) {
            char c = token.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '.'
                    || c == '_'
                    || c == '~'
                    || c == '+'
                    || c == '/';
            if (!allowed) {
                return false;
            }
        }
        return true;
    }
}
