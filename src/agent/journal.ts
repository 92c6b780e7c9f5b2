// Log lines under journald (CONTRACT §10). systemd connects a service's stdout to the journal and says so in
// JOURNAL_STREAM=DEV:INODE (systemd.exec(5)); a process whose fd 1 has that device and inode writes to the
// journal (not to a pipe or file the unit redirected it to). journald strips a leading "<N>" and takes N as the
// entry's PRIORITY (SyslogLevelPrefix=, on by default), so `journalctl -p warning` finds the mismatches.
//
// Each line becomes "<N>message {json}": `journalctl -f` shows the message first and readable, the JSON keeps
// every field, and `journalctl -o cat | aimlock logs` parses the JSON after the message (pretty-log.ts).
import { fstatSync } from 'node:fs';

/** journald priorities (syslog(3): 2 crit, 3 err, 4 warning, 6 info, 7 debug) for pino's numeric levels. */
const PRIORITY: Record<number, number> = { 10: 7, 20: 7, 30: 6, 40: 4, 50: 3, 60: 2 };

/** Is `fd` the stream systemd connected to the journal? False without JOURNAL_STREAM or on any doubt. */
export function writesToJournal(env: NodeJS.ProcessEnv = process.env, fd = 1): boolean {
  const m = /^(\d+):(\d+)$/.exec(env.JOURNAL_STREAM ?? '');
  if (!m) return false;
  try {
    // bigint: inode numbers may exceed 2^53 on some file systems.
    const st = fstatSync(fd, { bigint: true });
    return st.dev === BigInt(m[1] as string) && st.ino === BigInt(m[2] as string);
  } catch {
    return false;
  }
}

/** One pino JSON line (with its newline) as journald should get it. */
export function journalLine(json: string): string {
  let rec: { level?: unknown; msg?: unknown };
  try {
    rec = JSON.parse(json) as typeof rec;
  } catch {
    return json;
  }
  const priority = PRIORITY[Number(rec.level)] ?? 6;
  // One line: journald would cut a message with a newline into two entries.
  const msg = typeof rec.msg === 'string' ? rec.msg.replace(/\s+/g, ' ').trim() : '';
  return `<${priority}>${msg ? `${msg} ` : ''}${json}`;
}
