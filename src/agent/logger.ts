// JSON lines to stdout (journald keeps them; `aimlock logs` pretty-prints them). Synchronous writes: a daemon
// that is killed or exits must not lose its last lines, and the volume here is small. When stdout is the
// journal, each line carries its journald priority and leads with its message (journal.ts); elsewhere (a
// terminal, a pipe, a test) the lines are plain JSON.
import { pino } from 'pino';
import { journalLine, writesToJournal } from './journal.js';

export function agentLogger(device: string, level: string, journal = writesToJournal()) {
  return pino(
    {
      level,
      base: { device },
      timestamp: pino.stdTimeFunctions.epochTime,
      redact: ['*.password', 'password'],
      ...(journal ? { hooks: { streamWrite: journalLine } } : {}),
    },
    pino.destination({ dest: 1, sync: true }),
  );
}
