package dev.messagecenter.message.web;

import dev.messagecenter.message.AudienceStore;
import dev.messagecenter.message.MessageProperties;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** Uploads big recipient lists, one id per line, for use as {@code audience: {audienceId}}. */
@RestController
class AudienceController {

    private final AudienceStore audiences;
    private final MessageProperties limits;

    AudienceController(AudienceStore audiences, MessageProperties limits) {
        this.audiences = audiences;
        this.limits = limits;
    }

    @PostMapping(path = "/api/v1/audiences", consumes = "text/plain")
    ResponseEntity<AudienceStore.UploadReport> upload(HttpServletRequest request) throws IOException {
        try (Reader reader = new InputStreamReader(request.getInputStream(), StandardCharsets.UTF_8)) {
            AudienceStore.UploadReport report = audiences.upload(reader, limits.maxAudienceUpload());
            return ResponseEntity.created(URI.create("/api/v1/audiences/" + report.audienceId()))
                    .body(report);
        }
    }
}
