// What the agent settles at start, and the update window judged under the lock, with the real agent against
// a real Mosquitto: temporaries of writers killed mid-write are swept in every directory the agent writes;
// a config that went live before its state record (kill -9 mid-apply) is recorded as what it is; a
// `grounded` config never lands on a vehicle that took off while the push waited for the lock.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import t from 'tap';
import { agentBoard, envelope, operator, startAgent } from './helpers/agent.js';
import { configWith, ROOT } from './helpers/board.js';
import { startMosquitto } from './helpers/mosquitto.js';
import { spawnHolder } from './helpers/procs.js';
import { until } from './helpers/until.js';

function stateApplied(stateDir: string): { id: string; version: number } | null {
  return (
    JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8')) as {
      applied: { id: string; version: number } | null;
    }
  ).applied;
}

t.test(
  'at start, temporaries of dead writers are swept in the state, config, history and lock dirs',
  async (t) => {
    const broker = await startMosquitto(t);
    const dir = t.testdir();
    const board = agentBoard(dir, broker.url, { paths: { config: 'cfg/aim_lock_config.conf' } });
    // A pid that existed and is gone: a process that ran and exited.
    const dead = spawnSync('sh', ['-c', 'echo $$'], { encoding: 'utf8' }).stdout.trim();
    const cfg = join(dir, 'cfg');
    const history = join(board.stateDir, 'history');
    const deadTemps = [
      join(board.stateDir, `.state.json.tmp-${dead}-0a1b2c`),
      join(cfg, `.aim_lock_config.conf.tmp-${dead}-0a1b2c`),
      join(history, `.000000003.json.tmp-${dead}-0a1b2c`),
      join(board.lockDir, `.owner.json.tmp-${dead}-0a1b2c`),
    ];
    const liveTemp = join(board.stateDir, `.state.json.tmp-${process.pid}-0a1b2c`);
    for (const p of [...deadTemps, liveTemp]) {
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, 'half a file');
    }
    await startAgent(t, board);
    for (const p of deadTemps) t.notOk(existsSync(p), `swept: ${p.slice(dir.length)}`);
    t.ok(existsSync(liveTemp), "a live writer's temporary is left alone");
  },
);

t.test(
  'kill -9 between the rename and the state record: at start state.json is settled from the live config',
  async (t) => {
    const broker = await startMosquitto(t);
    const dir = t.testdir();
    const started = join(dir, 'hook-started');
    const go = join(dir, 'go');
    const hookPid = join(dir, 'hook.pid');
    t.teardown(() => {
      writeFileSync(go, '');
      try {
        process.kill(Number(readFileSync(hookPid, 'utf8')), 'SIGKILL');
      } catch {}
    });
    // The hook holds the landing (after the rename, before the record) until the test says go.
    const hook = `echo $$ > ${hookPid}; touch ${started}; while [ ! -e ${go} ]; do sleep 0.05; done`;
    const board = agentBoard(dir, broker.url, {
      apply_hook: { command: ['sh', '-c', hook], timeout_ms: 60_000 },
    });
    const first = await startAgent(t, board);
    const op = await operator(t, broker.url);
    const v1 = envelope(board.op, { version: 1 });
    await op.publish(v1, { retain: true });
    await until('the hook runs', () => existsSync(started));
    await first.kill9();
    t.match(readFileSync(board.config, 'utf8'), /version 1/, 'version 1 is live (renamed before the hook)');
    t.equal(
      existsSync(join(board.stateDir, 'state.json')) ? stateApplied(board.stateDir) : null,
      null,
      'not recorded',
    );

    board.writeJson('agent.json', {
      ...JSON.parse(readFileSync(board.settingsFile, 'utf8')),
      apply_hook: { command: [], timeout_ms: 1000 },
    });
    const second = await startAgent(t, board);
    await second.waitLog(/state\.json now says what is live/);
    t.same(
      stateApplied(board.stateDir),
      { ...stateApplied(board.stateDir), id: v1.id, version: 1 },
      'state.json says version 1, the live push',
    );
    // The killed agent's last will (offline, applied null) is retained until the new one connects.
    let status: Record<string, unknown> | null = null;
    const online = Date.now() + 15_000;
    while (status?.state !== 'online' && Date.now() < online) status = await op.retainedStatus();
    t.equal((status?.applied as { version: number } | null)?.version, 1, 'the status says version 1');
    const answer = await op.result(String(v1.id), 'applied', 15_000);
    t.match(
      String(answer.detail),
      /went live before the agent stopped/,
      'the push, never answered, is answered now',
    );

    const v2 = envelope(board.op, { version: 2 });
    await op.publish(v2);
    t.equal((await op.result(String(v2.id), /applied|rejected/)).code, 'ok', 'the next push lands');
  },
);

t.test(
  'update window: a grounded config waiting for the lock does not land once the vehicle flies',
  async (t) => {
    const broker = await startMosquitto(t);
    const dir = t.testdir();
    const board = agentBoard(dir, broker.url, { lock: { wait_ms: 20_000 } });
    const vehicle = join(dir, 'run', 'vehicle_state');
    writeFileSync(vehicle, 'grounded\n');
    const agent = await startAgent(t, board);
    const op = await operator(t, broker.url);
    const holder = await spawnHolder(t, board, 'slow technician');
    const push = envelope(board.op, {
      version: 1,
      config: configWith((c) => (c.update_window = 'grounded')),
    });
    await op.publish(push, { retain: true });
    // The push is past its first look at the vehicle and waits for the lock the holder keeps.
    await until('the push waits for the lock', () =>
      agent.logs.some((l) => l.includes('"msg":"taking lock"') && l.includes('apply push')),
    );
    writeFileSync(vehicle, 'flying\n');
    await holder.release();
    const r = await op.result(String(push.id), /deferred|applied|rejected/, 20_000);
    t.equal(r.status, 'deferred', String(r.detail));
    t.equal(r.code, 'deferred_update_window');
    t.match(String(r.detail), /seen under the lock/, 'judged under the lock, at the last moment');
    t.notOk(existsSync(board.config), 'nothing landed while flying');
    writeFileSync(vehicle, 'grounded\n');
    const landed = await op.result(String(push.id), 'applied', 20_000);
    t.equal(landed.code, 'ok', 'lands once grounded again');
  },
);

t.test(
  'what a power cut leaves of the unsynced writes: a torn history entry, an empty owner record, a rolled-back generation, a torn outbox line',
  async (t) => {
    const broker = await startMosquitto(t);
    const dir = t.testdir();
    const board = agentBoard(dir, broker.url);
    const op = await operator(t, broker.url);
    const push = async (version: number) => {
      const doc = envelope(board.op, {
        version,
        config: configWith((c) => (c.aim.sensitivity = 0.1 + version / 100)),
      });
      await op.publish(doc, { retain: true });
      return op.result(String(doc.id), /applied|rejected/, 30_000);
    };
    const before = await startAgent(t, board);
    t.equal((await push(1)).code, 'ok');
    t.equal((await push(2)).code, 'ok');
    t.equal(await before.stop(), 0);
    const history = join(board.stateDir, 'history');
    const v2 = readFileSync(join(history, '000000002.json'), 'utf8');

    // The disk after the power cut, as the unsynced writes may leave it (src/store/DURABILITY.md).
    // The live version's entry: empty (as an older aimlock, which did not sync entries, could leave it) — a
    // cut that lost its rename (history's directory is not synced) is the same case after the torn one goes.
    writeFileSync(join(history, '000000002.json'), '');
    // The `applied` line is not synced: the cut took it, and left half of it.
    const audit = readFileSync(board.audit, 'utf8');
    const v2Line = audit.lastIndexOf('{"ts"');
    t.match(audit.slice(v2Line), /"event":"applied".*"version":2/, 'the last audit line is the v2 landing');
    writeFileSync(board.audit, audit.slice(0, v2Line + 20));
    // An undone landing's entry whose unlink the cut lost: a version that never committed.
    writeFileSync(join(history, '000000007.json'), JSON.stringify({ ...JSON.parse(v2), version: 7 }));
    writeFileSync(join(board.lockDir, 'conf_locked'), '1\n'); // mid-lease
    writeFileSync(join(board.lockDir, 'owner.json'), ''); // renamed, bytes lost
    writeFileSync(join(board.lockDir, 'generation'), '1\n'); // rolled back
    writeFileSync(join(board.lockDir, 'generation.reserved'), '150 not-this-boot\n'); // durable
    writeFileSync(join(board.stateDir, 'outbox', 'journal.jsonl'), '{"seq":9,"topic":"x","pay'); // torn

    const after = await startAgent(t, board);
    await after.waitLog(/history entry of the live version rebuilt/);
    t.same(
      JSON.parse(readFileSync(join(history, '000000002.json'), 'utf8')),
      JSON.parse(v2),
      'the torn history entry of the live version is rebuilt from the live config, as it was',
    );
    await after.waitLog(/landings that never committed/);
    await after.waitLog(/audit lines of landings lost to a power cut written again/);
    const lines = readFileSync(board.audit, 'utf8').split('\n');
    const recovered = lines.filter((l) => l.includes('"recovered"')).map((l) => JSON.parse(l));
    t.match(
      recovered,
      [{ event: 'applied', version: 2, generation: Number, recovered: /power cut/ }],
      'the lost applied line is written again from state.json and history, on a fresh line',
    );
    t.equal(recovered.length, 1, 'once');
    t.notOk(existsSync(join(history, '000000007.json')), 'the uncommitted version is not in history');
    const r3 = await push(3);
    t.equal(r3.code, 'ok', 'the ghost of the cut lease is reclaimed and the next push lands');
    t.equal(
      (r3.lock as { generation: number }).generation,
      151,
      'the generation continues from the durable reservation (150: the first acquisition of this boot, which dropped the uncommitted entry), never from the rolled-back counter',
    );
    t.same(
      readFileSync(join(board.stateDir, 'outbox', 'journal.jsonl'), 'utf8').includes('"seq":9'),
      false,
      'the torn outbox line is gone',
    );
    const out = spawnSync(
      process.execPath,
      [join(ROOT, 'dist/cli/main.js'), 'history', '--json', '--settings', board.settingsFile],
      { encoding: 'utf8' },
    );
    t.equal(out.status, 0, `aimlock history reads every entry: ${out.stderr}`);
  },
);
