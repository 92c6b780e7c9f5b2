// The fsync budget of the push hot path (issue 13 §2): one applied push may cost at most FSYNC_BUDGET
// fsync-family calls, so they cannot creep back one "harmless" fsync at a time. The real agent runs under
// strace (every thread: libuv's pool does the syncs), N pushes are applied one after another, and the calls
// are counted per push between the instants their answers were durable (strace's -ttt wall clock and
// Date.now() are the same clock). Start-up, the first push (it makes history/ and the lock folder) and shutdown fall
// outside the windows. The per-file breakdown is printed, so a failure says which write grew a sync.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { agentBoard, operator, pushVersion, startAgent } from './helpers/agent.js';
import { startMosquitto } from './helpers/mosquitto.js';
import { tracedPid } from './helpers/strace.js';

/** The promise of src/store/DURABILITY.md: config + state record + outbox journal (+ its first directory sync). */
const FSYNC_BUDGET = 5;
/** Renames per applied push (src/store/DURABILITY.md): the four records that are replaced, not overwritten. */
const RENAME_BUDGET = 4.5;
const PUSHES = 6;
const SYNCS = ['fsync', 'fdatasync', 'sync_file_range', 'syncfs', 'sync'];
const RENAMES = ['rename', 'renameat', 'renameat2'];

const straceMissing = spawnSync('strace', ['-V']).status === 0 ? null : 'strace is not installed';

interface Call {
  at: number;
  name: string;
  /** The file it touched: the fd's path (-y) for a sync, the target for a rename; temp suffixes removed. */
  file: string;
}

/** `1732862400.123456 fsync(23</x/var/state.json>) = 0` and `rename("/x/.a.tmp-1-ab", "/x/a") = 0`; split calls too. */
function parseTrace(text: string): Call[] {
  const calls: Call[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/^\d+\s+/, ''); // -f without -ff prefixes the pid
    // A call another thread interrupts is split in two lines (`fsync(23</x/a> <unfinished ...>`, then
    // `<... fsync resumed>) = 0`): counted once, from its first line, which has the fd's path.
    const m = /^(\d+\.\d+) (\w+)\((.*?)(?:\) += -?\d+| <unfinished \.\.\.>$)/.exec(line);
    if (!m) continue;
    const [, at, name, args] = m as unknown as [string, string, string, string];
    if (!SYNCS.includes(name) && !RENAMES.includes(name)) continue;
    let file = '(none)';
    const fd = /<([^>]*)>/.exec(args);
    const strings = [...args.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((s) => s[1] as string);
    if (RENAMES.includes(name) && strings.length > 0) file = strings.at(-1) as string;
    else if (fd) file = fd[1] as string;
    calls.push({ at: Number(at) * 1000, name, file: shortName(file) });
  }
  return calls;
}

/** The board-relative name a reader recognises: `var/outbox/`, `var/state.json`, `var/ (dir)`. */
function shortName(path: string): string {
  const board = path.replace(/^.*?\/(var|keys|run)(\/|$)/, '$1$2');
  // Outbox items and history entries are numbered: one row per folder, not per message.
  return board
    .replace(/\/\.?\d+\.json(\.tmp-\d+-[0-9a-f]+)?$/, '/N.json$1')
    .replace(/\/proc\/self\/fd\/\d+\//, '…/')
    .replace(/\.tmp-\d+-[0-9a-f]+$/, '.tmp');
}

if (straceMissing && process.env.CI) t.fail(`CI must count the fsyncs, but ${straceMissing}`);
else if (straceMissing) t.comment(`skipped the fsync count: ${straceMissing}`);
else
  t.test(`one applied push costs at most ${FSYNC_BUDGET} fsync-family calls`, async (t) => {
    const broker = await startMosquitto(t);
    const dir = t.testdir();
    const trace = join(dir, 'strace.out');
    const board = agentBoard(dir, broker.url);
    const op = await operator(t, broker.url);
    const push = (version: number) => pushVersion(op, board, version);
    const agent = await startAgent(t, board, {
      wrap: (argv) => [
        'strace',
        [
          '-f',
          '-qq',
          '-ttt',
          '-y',
          '-o',
          trace,
          '-e',
          `trace=${[...SYNCS, ...RENAMES].join(',')}`,
          '--',
          ...argv,
        ],
      ],
    });
    const agentPid = tracedPid(t, agent.child.pid);

    // A push's window ends once its answer is durable, not when the answer arrives: the result is published
    // while its outbox line's fdatasync runs (store/outbox.ts), and the retained status follows only once that
    // sync is done (agent.ts answer()). Cut at the result, that sync fell into the next push's window.
    const durable = async (id: unknown) => {
      for (;;) {
        const status = await op.retainedStatus();
        if ((status?.last_result as { id?: unknown } | null)?.id === id) return Date.now();
      }
    };
    // The first push makes folders (history/, outbox/): a one-off cost, outside the windows.
    const first = await push(1);
    t.equal(first.r.code, 'ok', String(first.r.detail));
    const bounds = [await durable(first.r.id)];
    for (let v = 2; v <= PUSHES + 1; v++) {
      const { r } = await push(v);
      t.equal(r.code, 'ok', `push ${v} applied: ${String(r.detail)}`);
      bounds.push(await durable(r.id));
    }
    process.kill(agentPid, 'SIGTERM');
    await new Promise<void>((resolve) => agent.child.once('exit', () => resolve()));

    const calls = parseTrace(readFileSync(trace, 'utf8'));
    t.ok(calls.length > 0, 'strace recorded the calls');
    const perPush: Array<{ syncs: number; renames: number }> = [];
    const byFile = new Map<string, number>();
    for (let i = 1; i < bounds.length; i++) {
      const inWindow = calls.filter((c) => c.at > (bounds[i - 1] as number) && c.at <= (bounds[i] as number));
      const syncs = inWindow.filter((c) => SYNCS.includes(c.name));
      perPush.push({ syncs: syncs.length, renames: inWindow.length - syncs.length });
      for (const c of inWindow) {
        const key = `${c.name.padEnd(10)} ${c.file}`;
        byFile.set(key, (byFile.get(key) ?? 0) + 1);
      }
    }
    const breakdown = [...byFile]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, n]) => `  ${(n / PUSHES).toFixed(2).padStart(5)}  ${key}`)
      .join('\n');
    const worst = Math.max(...perPush.map((p) => p.syncs));
    const mean = (k: 'syncs' | 'renames') => perPush.reduce((s, p) => s + p[k], 0) / PUSHES;
    t.comment(
      `per applied push (${PUSHES} pushes): fsync-family ${mean('syncs').toFixed(2)} (worst ${worst}), ` +
        `renames ${mean('renames').toFixed(2)}; per push by call and file:\n${breakdown}`,
    );
    t.ok(
      worst <= FSYNC_BUDGET,
      `at most ${FSYNC_BUDGET} fsync-family calls per applied push (worst ${worst}; breakdown above)`,
    );
    // Config, history entry, state record, owner record; a heartbeat or a generation reservation can add one
    // now and then, hence a mean (the intents' two a push, back, would make it 6).
    t.ok(
      mean('renames') <= RENAME_BUDGET,
      `at most ${RENAME_BUDGET} renames per applied push on average (${mean('renames').toFixed(2)})`,
    );
  });
