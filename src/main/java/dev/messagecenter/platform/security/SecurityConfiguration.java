package dev.messagecenter.platform.security;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.firewall.StrictHttpFirewall;

/**
 * Two callers, two chains. Recipients call the receiver endpoints with a JWT whose subject is
 * their id; operators and services call everything else under {@code /api/v1} with an API key.
 * A receiver token presented to an operator endpoint is an unknown API key: 401.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SecurityProperties.class)
class SecurityConfiguration {

    /** Paths a recipient reaches with a receiver token. */
    static final String[] RECEIVER_PATHS = {"/api/v1/me", "/api/v1/me/**", "/api/v1/inbox", "/api/v1/inbox/**"};

    @Bean
    @Order(1)
    SecurityFilterChain receiverChain(HttpSecurity http, JwtDecoder decoder, ProblemSecurityHandlers problems)
            throws Exception {
        return stateless(http)
                .securityMatcher(RECEIVER_PATHS)
                .authorizeHttpRequests(rules -> rules.anyRequest().authenticated())
                .oauth2ResourceServer(server -> server.bearerTokenResolver(new BearerHeader())
                        .jwt(jwt -> jwt.decoder(decoder))
                        .authenticationEntryPoint(problems)
                        .accessDeniedHandler(problems))
                .exceptionHandling(
                        errors -> errors.authenticationEntryPoint(problems).accessDeniedHandler(problems))
                .build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain operatorChain(HttpSecurity http, JdbcApiKeyStore keys, ProblemSecurityHandlers problems)
            throws Exception {
        return stateless(http)
                .securityMatcher("/api/**")
                .addFilterBefore(new ApiKeyAuthenticationFilter(keys, problems), BasicAuthenticationFilter.class)
                .authorizeHttpRequests(rules -> rules.requestMatchers("/api/v1/api-keys", "/api/v1/api-keys/**")
                        .hasAuthority(Scope.ADMIN.authority())
                        .requestMatchers(HttpMethod.POST, "/api/v1/recipients/*/token")
                        .hasAuthority(Scope.ADMIN.authority())
                        .requestMatchers(HttpMethod.GET, "/api/v1/**")
                        .hasAuthority(Scope.READ.authority())
                        .requestMatchers(
                                "/api/v1/messages",
                                "/api/v1/messages/**",
                                "/api/v1/audiences",
                                "/api/v1/audiences/**",
                                "/api/v1/dead-letters/**")
                        .hasAuthority(Scope.SEND.authority())
                        .anyRequest()
                        .hasAuthority(Scope.ADMIN.authority()))
                .exceptionHandling(
                        errors -> errors.authenticationEntryPoint(problems).accessDeniedHandler(problems))
                .build();
    }

    @Bean
    @Order(3)
    SecurityFilterChain publicChain(HttpSecurity http) throws Exception {
        // why: health, metrics and the API description are public; keep the management port
        // private in production (management.server.port) if metrics must not be reachable
        return stateless(http)
                .authorizeHttpRequests(rules -> rules.anyRequest().permitAll())
                .build();
    }

    /**
     * No observations of Spring Security's own steps (each filter, authentication, authorization).
     * {@code management.observations.enable.spring.security=false} already makes them no-ops, but
     * every filter of every request was still wrapped for them (a few percent of a create call's
     * CPU in a profile); with these settings the chains run unwrapped.
     */
    @Bean
    SecurityObservationSettings securityObservations() {
        return SecurityObservationSettings.noObservations();
    }

    /**
     * The default firewall, with its character rules for headers and parameter names checked by
     * {@link FirewallCharacters} instead of regular expressions (about 3% of an inbox read's CPU in
     * a profile); what it rejects is unchanged.
     */
    @Bean
    WebSecurityCustomizer firewall() {
        StrictHttpFirewall firewall = new StrictHttpFirewall();
        firewall.setAllowedHeaderNames(FirewallCharacters::name);
        firewall.setAllowedHeaderValues(FirewallCharacters::value);
        firewall.setAllowedParameterNames(FirewallCharacters::name);
        return web -> web.httpFirewall(firewall);
    }

    private static HttpSecurity stateless(HttpSecurity http) throws Exception {
        return http.csrf(csrf -> csrf.disable())
                .httpBasic(basic -> basic.disable())
                .formLogin(form -> form.disable())
                .logout(logout -> logout.disable())
                .requestCache(cache -> cache.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
    }
}
