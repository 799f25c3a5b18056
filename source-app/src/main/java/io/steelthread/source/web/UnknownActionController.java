package io.steelthread.source.web;

import io.steelthread.source.event.SourceProperties;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** A GET of an action that is not configured: {@link GameApiRoutes} left it to WebFlux; the answer says what exists. */
@RestController
class UnknownActionController {

    private final SourceProperties properties;

    UnknownActionController(SourceProperties properties) {
        this.properties = properties;
    }

    @GetMapping("/{action}")
    ResponseEntity<ProblemDetail> unknown(@PathVariable String action) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND).body(ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND,
                "no action '" + action + "'; configured actions: " + properties.getActions().keySet()
                        + " (steelthread.source.actions), or POST /events/{event_type}"));
    }
}
