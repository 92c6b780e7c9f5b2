// The power-cut harness (`npm run test:powercut`, README "Power cuts"): real applies on the emulated board
// recorded block by block with dm-log-writes and judged at every flush point and between them, then hard
// power cuts (QEMU SIGKILLed mid-stream) with a boot after each. scripts/vm/powercut.mjs prepares the image,
// the package and the counts (AIMLOCK_POWERCUT_*), and prints the `# measure:` lines as the run's figures.
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { checkPoints, judge } from '../../scripts/vm/powercut/judge.mjs';
import { openLog } from '../../scripts/vm/powercut/logwrites.mjs';
import { sparseCopy } from '../../scripts/vm/powercut/state-files.mjs';
import type { Image } from '../../scripts/vm/qemu.mjs';
import { BOARD } from './lab.js';
import { PowerBoard } from './powercut/board.js';
import { powerCut, prepareForCuts } from './powercut/cuts.js';
import { bootOnHost } from './powercut/host-boot.js';
import { record } from './powercut/record.js';

function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run this through \`npm run test:powercut\``);
  return v;
}
const num = (name: string, dflt: number) => Number(process.env[name] ?? dflt);

const APPLIES = num('AIMLOCK_POWERCUT_APPLIES', 200);
const CUTS = num('AIMLOCK_POWERCUT_CUTS', 50);
const SAMPLE = num('AIMLOCK_POWERCUT_SAMPLE', 20);
const BETWEEN = num('AIMLOCK_POWERCUT_BETWEEN', 1);
/** 'fsync': the agent runs with every fsync made a no-op (a preload, not a product switch): the judge must fail. */
const BREAK = process.env.AIMLOCK_POWERCUT_BREAK ?? '';
const dir = env('AIMLOCK_VM_RUN');
const out = join(dir, '..', '..', 'out', 'powercut');
mkdirSync(out, { recursive: true });
/** A figure for the lane's summary, as a comment of the running subtest (tap drops the parent's meanwhile). */
const measure = (tt: { comment: (s: string) => void }, s: string) => tt.comment(`measure: ${s}`);

const NOFSYNC = `// Harness only (AIMLOCK_POWERCUT_BREAK=fsync): every fsync of this Node process is a no-op.
const fs = require('node:fs');
const ok = (_fd, cb) => process.nextTick(cb, null);
fs.fsync = ok; fs.fdatasync = ok; fs.fsyncSync = () => {}; fs.fdatasyncSync = () => {};
fs.promises.open('/dev/null').then((fh) => {
  const p = Object.getPrototypeOf(fh); p.sync = async () => {}; p.datasync = async () => {}; return fh.close();
});
require('node:module').syncBuiltinESMExports();
`;

const board = new PowerBoard(t, JSON.parse(env('AIMLOCK_VM_IMAGE')) as Image, env('AIMLOCK_VM_DEB'), dir);

await t.test('the board boots and the package installs', async (tt) => {
  await board.start();
  await board.boot();
  measure(tt, `first boot ${(board.bootMs[0]! / 1000).toFixed(1)} s; board speed x${board.speed.toFixed(1)}`);
  const ms = await board.install();
  measure(tt, `apt-get install of the package: ${(ms / 1000).toFixed(1)} s`);
  if (BREAK === 'fsync') {
    await board.must(
      'cat > /etc/aimlock-nofsync.cjs && mkdir -p /etc/systemd/system/aimlockd.service.d && ' +
        `printf '[Service]\\nEnvironment=NODE_OPTIONS=--require=/etc/aimlock-nofsync.cjs\\n' > /etc/systemd/system/aimlockd.service.d/nofsync.conf && systemctl daemon-reload`,
      { input: NOFSYNC },
    );
    tt.comment('BROKEN BUILD: the agent runs with every fsync a no-op');
  }
  await board.must(
    `mkdir -p ${BOARD.state} && mount /dev/vdb ${BOARD.state} && chown aimlock:aimlock ${BOARD.state} && chmod 0750 ${BOARD.state} && ` +
      'systemctl start aimlockd',
    { timeoutMs: board.budget(40_000) },
  );
  await board.agentUp();
  const from = board.op.results.length;
  const first = await board.push();
  const r = await board.op.result(first.id, 'applied', board.budget(20_000), from);
  board.durable = { version: first.version, sha256: String(r.config_sha256) };
  board.everIssued.add(first.version);
  tt.pass(`the agent is up on the data disk and v${first.version} landed`);
});

const base = join(dir, 'base.img');
await t.test(
  `${APPLIES} applies recorded with dm-log-writes, judged at every flush point`,
  { skip: APPLIES === 0 ? 'not in this run' : false },
  async (tt) => {
    const t0 = performance.now();
    const ledger = await record(board, {
      applies: APPLIES,
      techEvery: Math.max(4, Math.min(40, Math.floor(APPLIES / 4))),
      snapshotBase: () => sparseCopy(board.data, base),
      progress: (line) => tt.comment(line),
    });
    ledger.actions.unshift({
      mark: 'start',
      kind: 'push',
      version: board.durable!.version,
      sha256: board.durable!.sha256,
    });
    ledger.issued.push(board.durable!.version);
    for (const v of ledger.issued) board.everIssued.add(v);
    board.durable = { version: ledger.actions.at(-1)!.version, sha256: ledger.actions.at(-1)!.sha256 };
    writeFileSync(join(out, 'ledger.json'), JSON.stringify(ledger, null, 1));
    const kinds: Record<string, number> = {};
    for (const a of ledger.actions.slice(1)) kinds[a.kind] = (kinds[a.kind] ?? 0) + 1;
    measure(
      tt,
      `recording: ${ledger.actions.length - 1} applies in ${((performance.now() - t0) / 1000).toFixed(0)} s (${JSON.stringify(kinds)})`,
    );

    // The states the host agent is started on: spread over the flush points.
    const log = openLog(board.log);
    const points = checkPoints([...log.entries()], BETWEEN);
    log.close();
    const keep = new Set<number>();
    for (let i = 1; i <= SAMPLE; i++) keep.add(points[Math.floor((i * points.length) / (SAMPLE + 1))]!.index);
    let saved = 0;
    const r = judge({
      log: board.log,
      base,
      ledger,
      work: join(dir, 'judge'),
      between: BETWEEN,
      keep,
      saveFailures: (f, scratch) => {
        if (saved++ < 3) copyFileSync(scratch, join(out, `fail-entry-${f.index}.img`));
      },
    });
    const c = r.counts;
    measure(
      tt,
      `replay: ${c.entries} log entries (${c.flush} FLUSH, ${c.fua} FUA, ${c.mark} MARK); checked ${c.flushPoints} flush/FUA/mark points (+${c.same} identical to the one before) and ${c.between} between points in ${(r.ms / 1000).toFixed(0)} s; ` +
        `${c.landing} states mid-landing, ${c.behind} with state.json one landing behind, ${c.ghosts} with a ghost lock bit, ${c.tornAudit} with a torn last audit line, ${c.tornOutbox} with a torn last outbox journal line; ${r.failures.length} failed`,
    );
    for (const f of r.failures.slice(0, 20)) tt.comment(`FAIL ${f.where}: ${f.problems.join('; ')}`);
    if (BREAK) {
      tt.ok(
        r.failures.length > 0,
        `the judge catches the broken build (${r.failures.length} failing states)`,
      );
      const lost = r.failures.some((f) => f.problems.some((p) => /not durable|older than/.test(p)));
      tt.ok(lost, 'among them an applied answer that was not durable');
    } else {
      tt.equal(r.failures.length, 0, `every crash state checks out (${c.flushPoints + c.between} states)`);
      if (r.failures.length) {
        copyFileSync(board.log, join(out, 'log.img'));
        copyFileSync(base, join(out, 'base.img'));
        tt.comment(
          `log, base and ledger kept in ${out}: node scripts/vm/powercut/judge.mjs --log ${out}/log.img --base ${out}/base.img --ledger ${out}/ledger.json`,
        );
      }
    }
    tt.ok(c.flushPoints > ledger.actions.length, 'more flush points than applies (the log saw the fsyncs)');

    if (BREAK) return;
    let landed = 0;
    let n = 0;
    for (const index of keep) {
      const state = join(dir, 'judge', `keep-${index}`);
      if (!existsSync(state)) continue;
      await tt.test(`host agent on the state at entry ${index}`, async (st) => {
        const problems = await bootOnHost(st, state, board.broker.url, n++);
        st.same(problems, [], 'lock FREE or STALE at start, recovered, the desired push landed');
        if (problems.length === 0) landed++;
      });
    }
    measure(
      tt,
      `host agent started on ${keep.size} replayed states: ${landed} recovered and landed the desired push`,
    );
  },
);

await t.test(
  `${CUTS} hard power cuts during a push stream`,
  { skip: BREAK || CUTS === 0 ? 'not in this run' : false },
  async (tt) => {
    await prepareForCuts(board);
    let ok = 0;
    const recover: number[] = [];
    for (let n = 1; n <= CUTS; n++) {
      if (n % 5 === 0) await board.calibrate();
      const r = await powerCut(board, n, board.budget(1500), join(dir, 'cuts'));
      recover.push(r.recoveredMs);
      tt.same(
        r.problems,
        [],
        `cut ${n} at ${r.at} ms (${r.answeredBefore} answered before; ${r.notes.join(', ') || 'settled'}): state whole, desired push landed after the boot`,
      );
      if (r.problems.length === 0) ok++;
      else sparseCopy(board.data, join(out, `cut-${n}-data.img`));
    }
    recover.sort((a, b) => a - b);
    measure(
      tt,
      `power cuts: ${CUTS}, ${ok} checked out; boot to the desired push live: median ${(recover[Math.floor(recover.length / 2)]! / 1000).toFixed(0)} s`,
    );
  },
);
