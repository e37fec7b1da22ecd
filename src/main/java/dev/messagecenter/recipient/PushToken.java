package dev.messagecenter.recipient;

/** A device's push address: the platform ({@code ios}, {@code android}, {@code web}, ...) and its token. */
public record PushToken(String platform, String token) {}
