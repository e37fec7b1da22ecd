package dev.messagecenter.platform.problem;

/** One offending input: the field's JSON path (or parameter name) and what was expected of it. */
public record FieldViolation(String field, String message) {}
