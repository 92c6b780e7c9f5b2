// Under journald (JOURNAL_STREAM names the agent's stdout) every log line carries its journald priority —
// "<4>" on `lock mismatch: aim_lock_config.conf HOT`, "<6>" on info lines — and leads with its message; without
// it, or when JOURNAL_STREAM names another stream, the lines are the plain JSON lines they always were. Real
// journald (journalctl -p warning) is checked in the VM lane; here the agent's stdout is a pipe whose
// device:inode the shell hands over exactly as systemd would.
import t from 'tap';
import { prettyLine } from '../src/cli/pretty-log.js';
import { agentBoard, startAgent } from './helpers/agent.js';
import { aimlock } from './helpers/board.js';
import { startMosquitto } from './helpers/mosquitto.js';
import { spawnFlock } from './helpers/procs.js';

/** Runs the agent through sh, which sets JOURNAL_STREAM to its own stdout (the pipe the agent inherits). */
const viaJournalStream =
  (value = '$(stat -L -c %d:%i /proc/$$/fd/1)') =>
  (argv: string[]): [string, string[]] => ['sh', ['-c', `JOURNAL_STREAM=${value} exec "$@"`, 'sh', ...argv]];

t.test(
  'JOURNAL_STREAM on stdout: <4> on the mismatch, <6> on info, message first, aimlock logs reads it',
  async (t) => {
    const broker = await startMosquitto(t);
    const board = agentBoard(t.testdir(), broker.url);
    const agent = await startAgent(t, board, { wrap: viaJournalStream() });
    const foreign = await spawnFlock(t, board.lockFile);
    await agent.waitLog(/^lock mismatch: aim_lock_config.conf HOT$/);
    foreign.kill('SIGKILL');
    await agent.stop();

    const ready = agent.logs.find((l) => l.includes('aimlockd ready'));
    t.match(ready, /^<6>aimlockd ready \{"level":30,/, 'info: priority 6, message first, then the JSON');
    const mismatch = agent.logs.filter((l) => l.includes('"msg":"lock mismatch'));
    t.ok(mismatch.length >= 1, 'the mismatch is logged');
    for (const line of mismatch) {
      t.match(line, /^<4>lock mismatch: aim_lock_config\.conf HOT \{"level":40,/, 'warning: priority 4');
    }
    t.ok(
      agent.logs.every((l) => /^<[2-7]>/.test(l)),
      'every line has a priority',
    );

    // What `journalctl -o cat` prints (journald strips the prefix) is what `aimlock logs` reads.
    const cat = agent.logs.map((l) => l.replace(/^<\d>/, '')).join('\n');
    const pretty = await aimlock(null, ['logs'], { input: `${cat}\n` });
    t.equal(pretty.code, 0);
    t.match(
      pretty.stdout,
      /WARN {2}drone-07 !! lock mismatch: aim_lock_config.conf HOT !! .*verdict=UNOWNED/,
    );
    t.match(
      prettyLine(mismatch[0] as string, false),
      /WARN {2}drone-07 !! lock mismatch/,
      'with the prefix too',
    );
  },
);

for (const [name, wrap] of [
  ['no JOURNAL_STREAM', undefined],
  ['JOURNAL_STREAM naming another stream', viaJournalStream('1:1')],
] as const) {
  t.test(`${name}: plain JSON lines as before`, async (t) => {
    const broker = await startMosquitto(t);
    const board = agentBoard(t.testdir(), broker.url);
    // Whatever this test runs under (a systemd unit sets JOURNAL_STREAM), the agent gets none but `wrap`'s.
    const agent = await startAgent(t, board, { env: { JOURNAL_STREAM: '' }, ...(wrap ? { wrap } : {}) });
    await agent.stop();
    t.ok(agent.logs.length > 0, 'the agent logged');
    for (const line of agent.logs) t.match(line, /^\{"level":\d+,/, `a JSON line: ${line.slice(0, 60)}`);
    t.ok(
      agent.logs.every((l) => JSON.parse(l)),
      'every line parses',
    );
  });
}
