// Server text made safe to print. Issue titles, culprits, messages and error details are set by anyone
// who can send an event to a public DSN (or by a proxy in front of Sentry), and they reach a terminal and
// an agent: an escape sequence can retitle the window, clear the screen or write the clipboard (OSC 52),
// a bidi override can make text read differently from what it is, and a newline can forge a line the
// reader trusts ("hint: run …"). Every server string a tool prints goes through cleanText.

/** ESC-introduced sequences, removed whole so their payload (a window title, clipboard data) goes too. */
const ESCAPE_SEQUENCES = new RegExp(
  [
    // OSC, DCS, SOS, PM, APC: ESC ] … up to BEL or ST (ESC \), or to the end when unterminated.
    String.raw`\x1b[\]PX^_][\s\S]*?(?:\x07|\x1b\\|$)`,
    // CSI: ESC [ parameters, intermediates, one final byte.
    String.raw`\x1b\[[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?`,
    // The 8-bit forms of OSC/DCS/… and CSI.
    String.raw`[\x90\x98\x9d\x9e\x9f][\s\S]*?(?:\x07|\x9c|\x1b\\|$)`,
    String.raw`\x9b[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?`,
    // Any other two-character escape (ESC c resets the terminal).
    String.raw`\x1b[\x20-\x7e]?`,
  ].join("|"),
  "g",
);
/** Line and tab characters: folded to one space so a value stays on its line. */
const LINE_BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]+/g;
/** Remaining C0 controls, DEL, C1 controls, and the bidi embeddings, overrides, isolates and marks. */
const CONTROLS = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Text from a server, fit for one line of a terminal: no escape sequences, controls or bidi overrides. */
export function cleanText(text: string): string {
  return text.replace(ESCAPE_SEQUENCES, "").replace(LINE_BREAKS, " ").replace(CONTROLS, "");
}

/** Longest error detail or echoed input a message carries: enough to recognise it, not enough to flood. */
export const MAX_ECHO_CHARS = 300;

/** Shortens text to `max` characters, saying how much was left out. */
export function capText(text: string, max = MAX_ECHO_CHARS): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… (${text.length - max} more characters)`;
}
