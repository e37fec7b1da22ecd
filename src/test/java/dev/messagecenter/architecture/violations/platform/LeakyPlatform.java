package dev.messagecenter.architecture.violations.platform;

import dev.messagecenter.architecture.violations.recipient.Roster;

/** Breaks the platform rule on purpose: the architecture test proves the rule catches it. */
public class LeakyPlatform {
    public Roster roster() {
        return new Roster();
    }
}
