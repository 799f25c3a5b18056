package io.steelthread.source.web;

import io.steelthread.source.event.InvalidEventException;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Bad requests get a 4xx whose detail says what is wrong; nothing of them reaches Kafka. */
@RestControllerAdvice
class ApiErrors {

    @ExceptionHandler(InvalidEventException.class)
    ResponseEntity<Object> invalid(InvalidEventException e) {
        return GameEventController.problem(HttpStatus.BAD_REQUEST, e.getMessage());
    }

    @ExceptionHandler(RequestBody.PayloadTooLargeException.class)
    ResponseEntity<Object> tooLarge(RequestBody.PayloadTooLargeException e) {
        return GameEventController.problem(HttpStatus.PAYLOAD_TOO_LARGE, e.getMessage());
    }
}
