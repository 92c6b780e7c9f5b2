// Runs under ARM Node in the ARM lane (`npm run test:arm`), beside processes of the host's x86-64 build:
// the kernel lock is the truth whoever runs, so an ARM holder (a bare Locksmith, or the agent landing a push)
// must stop x64 peers and the other way round, and a ghost left by one architecture is reclaimed by the
// other. Also measures the ARM agent's start-to-ready.
// The lane sets AIMLOCK_HOST_NODE / AIMLOCK_HOST_ROOT: the host's Node and its built project.
import { closeSync, existsSync, openSync, readSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import t from 'tap';
import { agentBoard, envelope, operator, startAgent } from '../helpers/agent.js';
import { aimlock, GOOD_CONFIG, makeBoard, type Runtime, run, type TestBoard } from '../helpers/board.js';
import { startMosquitto } from '../helpers/mosquitto.js';
import { spawnHolder } from '../helpers/procs.js';

const ARM_ARCHES: Record<string, number> = { arm64: 183, arm: 40 }; // ELF e_machine of each
const HOST: Runtime | null =
  process.env.AIMLOCK_HOST_NODE && process.env.AIMLOCK_HOST_ROOT
    ? { node: process.env.AIMLOCK_HOST_NODE, root: process.env.AIMLOCK_HOST_ROOT }
    : null;

if (!(process.arch in ARM_ARCHES) || !HOST) {
  t.fail(
    `run through \`npm run test:arm\` (this is ${process.arch}, host runtime ${HOST ? 'set' : 'unset'})`,
  );
  t.end();
} else {
  const host = HOST;

  const elfMachine = (path: string) => {
    const header = Buffer.alloc(20);
    const fd = openSync(path, 'r');
    readSync(fd, header, 0, 20, 0);
    closeSync(fd);
    return header.readUInt16LE(18);
  };

  const locks = async (board: TestBoard, runtime?: Runtime) => {
    const r = await aimlock(board, ['locks', '--json'], {}, runtime);
    return { ...JSON.parse(r.stdout), exit: r.code } as {
      verdict: string;
      exit: number;
      kernel_holders: Array<{ pid: number; type: string }>;
    };
  };

  const apply = (board: TestBoard, runtime?: Runtime) =>
    aimlock(
      board,
      ['apply', board.writeJson('new.json', GOOD_CONFIG), '--reason', 'cross-arch'],
      {},
      runtime,
    );

  const hostArch = async () => (await run(host.node, ['-p', 'process.arch'])).stdout.trim();

  t.test('the fs-ext addon this process loaded is an ARM build', async (t) => {
    const require = createRequire(import.meta.url);
    const addon = require.resolve('fs-ext/build/Release/fs_ext.node');
    t.equal(elfMachine(addon), ARM_ARCHES[process.arch], `${addon} matches ${process.arch}`);
    t.equal(typeof require('fs-ext').flock, 'function', `and this ${process.arch} process loaded it`);
    t.equal(await hostArch(), 'x64', 'the host runtime is x86-64');
  });

  t.test(
    `a ${process.arch} holder blocks x64 flock -n, x64 aimlock apply, and x64 sees it HELD`,
    async (t) => {
      const board = makeBoard(t.testdir(), { lock: { wait_ms: 300 } });
      const holder = await spawnHolder(t, board, `${process.arch} holder`);
      const probe = await run('flock', ['-n', board.lockFile, 'true']);
      t.equal(probe.code, 1, 'x64 flock -n cannot take it');
      const seen = await locks(board, host);
      t.equal(seen.verdict, 'HELD', 'x64 aimlock locks: HELD (owner record and /proc agree across arches)');
      t.same(
        seen.kernel_holders.map((h) => h.pid),
        [holder.pid, holder.pid],
        'both kernel locks are the ARM pid',
      );
      const refused = await apply(board, host);
      t.equal(refused.code, 3, 'x64 apply exits 3');
      t.match(refused.stderr, /lock_hot/);
      await holder.release();
      t.equal((await apply(board, host)).code, 0, 'once released, x64 apply lands');
    },
  );

  t.test(`an x64 holder blocks a ${process.arch} aimlock apply, which sees it HELD`, async (t) => {
    const board = makeBoard(t.testdir(), { lock: { wait_ms: 300 } });
    const holder = await spawnHolder(t, board, 'x64 holder', host);
    const seen = await locks(board);
    t.equal(seen.verdict, 'HELD', `${process.arch} aimlock locks: HELD`);
    t.same(
      seen.kernel_holders.map((h) => h.pid),
      [holder.pid, holder.pid],
    );
    const refused = await apply(board);
    t.equal(refused.code, 3, `${process.arch} apply exits 3`);
    t.match(refused.stderr, /lock_hot/);
    await holder.release();
    t.equal((await apply(board)).code, 0, `once released, ${process.arch} apply lands`);
  });

  t.test(`kill -9 of a ${process.arch} holder: x64 sees STALE and reclaims, ARM applies`, async (t) => {
    const board = makeBoard(t.testdir(), { lock: { auto_reclaim: 'never' } });
    const holder = await spawnHolder(t, board, `${process.arch} doomed`);
    await holder.kill9();
    t.equal((await locks(board, host)).verdict, 'STALE');
    const reclaimed = await aimlock(board, ['reclaim', '--reason', 'cross-arch ghost'], {}, host);
    t.equal(reclaimed.code, 0, reclaimed.stderr);
    t.equal((await locks(board)).verdict, 'FREE', `${process.arch} agrees: FREE`);
    t.equal((await apply(board)).code, 0);
  });

  /** An apply hook that keeps the apply, and so the lock, until go(): no race against a sleep. */
  const gate = (dir: string) => {
    const started = join(dir, 'hook-started');
    return {
      apply_hook: {
        command: ['sh', '-c', `touch ${started}; while [ ! -e ${dir}/go ]; do sleep 0.05; done`],
        timeout_ms: 120_000,
      },
      async started() {
        for (let i = 0; i < 1200 && !existsSync(started); i++) await new Promise((r) => setTimeout(r, 50));
        if (!existsSync(started)) throw new Error('the apply hook never started');
      },
      go: () => writeFileSync(join(dir, 'go'), ''),
    };
  };

  t.test(
    `a ${process.arch} agent landing a push holds the lock against x64 flock -n and x64 apply`,
    async (t) => {
      const broker = await startMosquitto(t);
      const dir = t.testdir();
      const hook = gate(dir);
      const board = agentBoard(dir, broker.url, { apply_hook: hook.apply_hook });
      const op = await operator(t, broker.url);
      const started = performance.now();
      const agent = await startAgent(t, board);
      await agent.waitLog(/^aimlockd ready$/, 120_000);
      const ready = performance.now() - started;
      await agent.waitLog(/^connected to the MQTT broker$/, 120_000);
      const connected = performance.now() - started;
      t.comment(
        `measure: ${process.arch} agent start-to-ready ${(ready / 1000).toFixed(1)} s, connected ${(connected / 1000).toFixed(1)} s`,
      );
      const push = envelope(board.op, { version: 1 });
      await op.publish(push);
      await hook.started();
      t.equal((await run('flock', ['-n', board.lockFile, 'true'])).code, 1, 'x64 flock -n cannot take it');
      const seen = await locks(board, host);
      t.equal(seen.verdict, 'HELD', 'x64 aimlock locks: HELD');
      t.same(new Set(seen.kernel_holders.map((h) => h.pid)), new Set([agent.child.pid]), 'by the ARM agent');
      const refused = await apply(board, host);
      t.equal(refused.code, 3, 'x64 apply exits 3');
      t.match(refused.stderr, /lock_hot/);
      hook.go();
      const r = await op.result(String(push.id), 'applied', 60_000);
      t.equal(r.version, 1, 'and the push lands when the hook is done');
    },
  );

  t.test(`an x64 agent landing a push holds the lock against the ${process.arch} apply`, async (t) => {
    const broker = await startMosquitto(t);
    const dir = t.testdir();
    const hook = gate(dir);
    const board = agentBoard(dir, broker.url, { apply_hook: hook.apply_hook });
    const op = await operator(t, broker.url);
    const agent = await startAgent(t, board, { runtime: host });
    await agent.waitLog(/^aimlockd ready$/);
    const push = envelope(board.op, { version: 1 });
    await op.publish(push);
    await hook.started();
    const seen = await locks(board);
    t.equal(seen.verdict, 'HELD', `${process.arch} aimlock locks: HELD`);
    t.same(new Set(seen.kernel_holders.map((h) => h.pid)), new Set([agent.child.pid]), 'by the x64 agent');
    const refused = await apply(board);
    t.equal(refused.code, 3, `${process.arch} apply exits 3`);
    t.match(refused.stderr, /lock_hot/);
    hook.go();
    t.equal((await op.result(String(push.id), 'applied', 60_000)).version, 1);
  });
}
