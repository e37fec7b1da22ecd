package dev.messagecenter.platform.security;

/**
 * The characters Spring Security's firewall accepts in header names, header values and parameter
 * names: assigned Unicode code points that are not control characters, and in a header value also
 * the tab. The same rule as the firewall's default patterns ({@code
 * [\p{IsAssigned}&&[^\p{IsControl}]]*}, tab added for values), checked without a regular
 * expression: the firewall asks it for every header the service reads, on every request, and
 * printable ASCII, nearly every character a request holds, passes here in one comparison.
 */
final class FirewallCharacters {

    private FirewallCharacters() {}

    /** Whether a header or parameter name is allowed. */
    static boolean name(String name) {
        return allowed(name, false);
    }

    /** Whether a header value is allowed. */
    static boolean value(String value) {
        return allowed(value, true);
    }

    private static boolean allowed(String text, boolean tab) {
        for (int i = 0; i < text.length(); ) {
            char c = text.charAt(i);
            if (c >= ' ' && c < 0x7f) {
                i++;
                continue;
            }
            int codePoint = text.codePointAt(i);
            int type = Character.getType(codePoint);
            if (type == Character.UNASSIGNED || (type == Character.CONTROL && !(tab && codePoint == '\t'))) {
                return false;
            }
            i += Character.charCount(codePoint);
        }
        return true;
    }
}
