package dev.messagecenter.recipient.web;

import dev.messagecenter.platform.problem.ApiProblem;
import dev.messagecenter.recipient.Recipient;
import dev.messagecenter.recipient.RecipientDirectory;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The recipient's own profile, for apps holding a receiver token. */
@RestController
class MeController {

    private final RecipientDirectory directory;

    MeController(RecipientDirectory directory) {
        this.directory = directory;
    }

    @GetMapping("/api/v1/me")
    Recipient me(@AuthenticationPrincipal Jwt token) {
        return directory
                .find(token.getSubject())
                .filter(Recipient::active)
                .orElseThrow(() -> ApiProblem.notFound("Recipient " + token.getSubject()));
    }
}
