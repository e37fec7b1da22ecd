package dev.messagecenter.architecture.violations.recipient;

import dev.messagecenter.architecture.violations.recipient.jdbc.RosterHelper;

/** Breaks the adapter rule on purpose: a domain class that knows its JDBC adapter. */
public class Roster {
    public RosterHelper adapter() {
        return new RosterHelper();
    }
}
