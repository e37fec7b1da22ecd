package dev.messagecenter.platform.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;

class BearerHeaderTest {

    private static final String JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJyaWRlci0xIn0.c2lnbmF0dXJl-_~+/==";

    private static @Nullable String resolve(@Nullable String header) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/v1/inbox");
        if (header != null) {
            request.addHeader("Authorization", header);
        }
        return new BearerHeader().resolve(request);
    }

    @Test
    void readsTheTokenOfABearerHeaderInAnyCase() {
        assertThat(resolve("Bearer " + JWT)).isEqualTo(JWT);
        assertThat(resolve("bearer " + JWT)).isEqualTo(JWT);
        assertThat(resolve("BEARER " + JWT)).isEqualTo(JWT);
    }

    @Test
    void aMissingHeaderOrAnotherSchemeIsNoToken() {
        assertThat(resolve(null)).isNull();
        assertThat(resolve("Basic YTpi")).isNull();
        assertThat(resolve("Token " + JWT)).isNull();
    }

    @Test
    void aMalformedBearerTokenIsAnInvalidToken() {
        for (String header : new String[] {
            "Bearer",
            "Bearer ",
            "Bearer  " + JWT,
            "Bearer " + JWT + " ",
            "Bearer a b",
            "Bearer ===",
            "Bearer a=b",
            "Bearer é",
            "Bearer\t" + JWT,
            "Bearerx" + JWT
        }) {
            assertThatThrownBy(() -> resolve(header))
                    .as(header)
                    .isInstanceOfSatisfying(
                            OAuth2AuthenticationException.class,
                            e -> assertThat(e.getError().getErrorCode()).isEqualTo("invalid_token"));
        }
    }

    @Test
    void apiKeyCredentialsAreWhatFollowsTheSchemeTrimmed() {
        assertThat(BearerHeader.credentials("Bearer mc_key ")).isEqualTo("mc_key");
        assertThat(BearerHeader.credentials("bearer mc_key")).isEqualTo("mc_key");
        assertThat(BearerHeader.credentials("Basic YTpi")).isNull();
        assertThat(BearerHeader.credentials(null)).isNull();
    }
}
