package dev.messagecenter.platform.security;

import dev.messagecenter.platform.db.Storable;
import dev.messagecenter.platform.problem.ApiProblem;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Operator and service API keys (scope {@code admin}). */
@RestController
@RequestMapping("/api/v1/api-keys")
class ApiKeyController {

    private final JdbcApiKeyStore keys;

    ApiKeyController(JdbcApiKeyStore keys) {
        this.keys = keys;
    }

    record CreateApiKey(
            @NotBlank @Size(max = 100) String name,
            @NotEmpty @Size(max = 3) List<@NotNull Scope> scopes) {}

    /** The key in clear text appears in this response only. */
    record CreatedApiKey(UUID id, String name, Set<Scope> scopes, String key, Instant createdAt) {}

    record ApiKeyView(
            UUID id,
            String name,
            Set<Scope> scopes,
            Instant createdAt,
            @Nullable Instant revokedAt) {
        static ApiKeyView of(ApiKey key) {
            return new ApiKeyView(key.id(), key.name(), key.scopes(), key.createdAt(), key.revokedAt());
        }
    }

    @PostMapping
    ResponseEntity<CreatedApiKey> create(@Valid @RequestBody CreateApiKey request) {
        Storable.requireText(request.name(), "name");
        String secret = ApiKeySecrets.generate();
        ApiKey key = keys.create(request.name().trim(), EnumSet.copyOf(request.scopes()), secret);
        return ResponseEntity.created(URI.create("/api/v1/api-keys/" + key.id()))
                .body(new CreatedApiKey(key.id(), key.name(), key.scopes(), secret, key.createdAt()));
    }

    @GetMapping
    List<ApiKeyView> list() {
        return keys.list().stream().map(ApiKeyView::of).toList();
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> revoke(@PathVariable UUID id) {
        if (!keys.revoke(id) && !keys.exists(id)) {
            throw ApiProblem.notFound("API key " + id);
        }
        return ResponseEntity.noContent().build();
    }
}
