// Text that came from the network or a file (push ids, device names, log lines, error details) must never reach
// a terminal as control sequences: `x\e[2J\e[31mEVIL` in a push id would clear a technician's screen and paint
// what it likes, and a bidi override can make `aimlock locks` show a different pid than the one it names.
// Every terminal sink passes such text through termSafe (human text) or jsonSafe (--json output).
//
// What is escaped, visibly (so the technician still sees that something odd was sent):
// - C0 controls U+0000–U+001F (ESC among them) and DEL U+007F: \n \r \t by name, the rest as \xNN;
// - C1 controls U+0080–U+009F (U+009B is a one-character CSI on many terminals): \u0080…\u009f;
// - bidi controls (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) and the line/paragraph separators
//   U+2028/U+2029: \uNNNN.
// Backslashes are left alone: a literal "\x1b" typed by an attacker is harmless text, and leaving it makes the
// escaping idempotent (its output contains nothing it would escape again).

/** Everything but printable ASCII; the callbacks below decide what of it is unsafe (the rest stays as is). */
const NOT_PRINTABLE_ASCII = /[^ -~]/g;

/** C0 controls, DEL, C1 controls, bidi controls, line/paragraph separators. */
export function isUnsafeChar(code: number): boolean {
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x061c ||
    code === 0x200e ||
    code === 0x200f ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069) ||
    code === 0x2028 ||
    code === 0x2029
  );
}

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function visible(c: string): string {
  const code = c.charCodeAt(0);
  if (!isUnsafeChar(code)) return c;
  const named = NAMED[c];
  if (named) return named;
  return code < 0x80
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One line of untrusted text (a table cell, a field): every control character escaped, newlines included. */
export function termSafe(text: unknown): string {
  return String(text).replace(NOT_PRINTABLE_ASCII, visible);
}

/** Text of several lines that we composed ourselves from untrusted parts: as termSafe, but `\n` stays a break. */
export function termSafeLines(text: string): string {
  return text.replace(NOT_PRINTABLE_ASCII, (c) => (c === '\n' ? c : visible(c)));
}

/** JSON.stringify, with what it leaves raw (C1, bidi) escaped as \uNNNN: the same JSON value, safe to print. */
export function jsonSafe(value: unknown, space?: number): string {
  // JSON.stringify escapes C0 itself (a newline from `space` is structure); the rest is \uNNNN.
  return (JSON.stringify(value, null, space) ?? 'null').replace(NOT_PRINTABLE_ASCII, (c) =>
    c === '\n' || !isUnsafeChar(c.charCodeAt(0)) ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
