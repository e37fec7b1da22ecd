package dev.messagecenter.architecture.violations.recipient.jdbc;

/** Breaks the naming and no-sleep rules on purpose. */
public class RosterHelper {
    public void pause() throws InterruptedException {
        Thread.sleep(1);
    }
}
