package dev.messagecenter.platform.security;

import java.util.UUID;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/** Who is calling: the API key behind an operator request, or the recipient behind a receiver token. */
public final class Callers {

    /** Stands for calls made without an API key (internal work, tests without security). */
    public static final UUID SYSTEM = new UUID(0, 0);

    private Callers() {}

    public static UUID apiKeyId() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication instanceof ApiKeyAuthenticationFilter.ApiKeyAuthentication key
                ? key.key().id()
                : SYSTEM;
    }

    /** The recipient id of the receiver token on this request. */
    public static String recipientId() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication instanceof JwtAuthenticationToken token) {
            return token.getToken().getSubject();
        }
        throw new IllegalStateException("Not a receiver request");
    }
}
