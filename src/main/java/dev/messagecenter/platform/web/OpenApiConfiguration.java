package dev.messagecenter.platform.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The API description served at {@code /v3/api-docs} and checked in as {@code docs/openapi.json}. */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    @Bean
    OpenAPI messageCenterApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("Message Center API")
                        .version("v1")
                        .description("Operators and services call /api/v1 with an API key; recipients call"
                                + " /api/v1/me and /api/v1/inbox with a receiver token. Errors are RFC 9457"
                                + " application/problem+json."))
                .components(new Components()
                        .addSecuritySchemes(
                                "apiKey",
                                new SecurityScheme()
                                        .type(SecurityScheme.Type.HTTP)
                                        .scheme("bearer")
                                        .description("An API key with scope admin, send or read"))
                        .addSecuritySchemes(
                                "receiverToken",
                                new SecurityScheme()
                                        .type(SecurityScheme.Type.HTTP)
                                        .scheme("bearer")
                                        .bearerFormat("JWT")
                                        .description("A JWT whose subject is the recipient id")))
                .addSecurityItem(new SecurityRequirement().addList("apiKey"));
    }
}
