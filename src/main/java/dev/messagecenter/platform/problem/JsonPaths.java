package dev.messagecenter.platform.problem;

import tools.jackson.databind.DatabindException;

/** Renders a Jackson error location as the dotted field path clients sent, e.g. {@code channels.push[0].token}. */
public final class JsonPaths {

    private JsonPaths() {}

    public static String of(DatabindException e) {
        StringBuilder path = new StringBuilder();
        for (var reference : e.getPath()) {
            if (reference.getPropertyName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? "body" : path.toString();
    }
}
