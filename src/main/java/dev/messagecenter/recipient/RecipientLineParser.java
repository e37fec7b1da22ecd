package dev.messagecenter.recipient;

/** Turns one non-blank line of an upload into a validated draft, or rejects it with a reason. */
interface RecipientLineParser {
    RecipientDraft parse(String line) throws LineRejectedException;
}
