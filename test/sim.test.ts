// The fleet simulator: N real agents in one process against a real Mosquitto, with planted trouble — a ghost
// (reclaimed at boot), a live foreign flock(1) holder (lock_mismatch until a technician kills it) and a failing
// apply hook (rolled_back) — and the `aimlock sim` command run as an operator runs it.
import { spawn } from 'node:child_process';
import { createPrivateKey, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { pino } from 'pino';
import t from 'tap';
import { startFleet } from '../src/fleet/sim.js';
import { planKinds, SimConfigError, spreadIndices } from '../src/fleet/sim-plan.js';
import { LANDINGS_AT_ONCE } from '../src/fleet/sim-turns.js';
import { generateKeyPair, signEnvelope } from '../src/sign/index.js';
import { aimlock, CLI, GOOD_CONFIG, plainNode } from './helpers/board.js';
import { startMosquitto } from './helpers/mosquitto.js';
import { exited, waitForLine } from './helpers/procs.js';

interface Teardown {
  teardown(fn: () => void | Promise<void>): void;
}

type Doc = Record<string, unknown>;

/** Everything a fleet publishes, as an operator sees it: the latest status per device, results, telemetry. */
async function watchFleet(t: Teardown, url: string, fleet: string) {
  const client: MqttClient = await mqtt.connectAsync(url, { clientId: `w-${randomUUID()}`, clean: true });
  t.teardown(() => client.endAsync(true));
  const status = new Map<string, Doc>();
  const results: Doc[] = [];
  const telemetry: Doc[] = [];
  client.on('message', (topic, payload) => {
    if (payload.length === 0) return;
    const doc = JSON.parse(payload.toString()) as Doc;
    if (topic.endsWith('/status')) status.set(String(doc.device), doc);
    else if (topic.endsWith('/config/result')) results.push(doc);
    else if (topic.endsWith('/telemetry')) telemetry.push(doc);
  });
  await client.subscribeAsync(`aimlock/v1/${fleet}/#`, { qos: 1 });
  const until = async <T>(find: () => T | undefined | false, what: string, timeoutMs = 20000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = find();
      if (found !== undefined && found !== false) return found as T;
      if (Date.now() > deadline) {
        throw new Error(`no ${what} within ${timeoutMs} ms; results ${JSON.stringify(results.slice(-10))}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return {
    client,
    status,
    results,
    telemetry,
    until,
    result: (id: string, status: string, timeoutMs?: number) =>
      until<Doc>(
        () => results.find((r) => r.id === id && r.status === status),
        `${status} for ${id}`,
        timeoutMs,
      ),
    allInState: (devices: string[], state: string, timeoutMs?: number) =>
      until<true>(
        () => devices.every((d) => status.get(d)?.state === state),
        `${state} status from all ${devices.length}`,
        timeoutMs,
      ),
  };
}

/** Statuses as a newcomer sees them: only the retained ones. */
async function retainedStatuses(url: string, fleet: string, count: number): Promise<Map<string, Doc>> {
  const c = await mqtt.connectAsync(url, { clientId: `r-${randomUUID()}`, clean: true });
  const seen = new Map<string, Doc>();
  try {
    c.on('message', (_topic, payload, packet) => {
      if (packet.retain) {
        const doc = JSON.parse(payload.toString()) as Doc;
        seen.set(String(doc.device), doc);
      }
    });
    await c.subscribeAsync(`aimlock/v1/${fleet}/+/status`, { qos: 1 });
    const deadline = Date.now() + 3000;
    while (seen.size < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return seen;
  } finally {
    await c.endAsync(true);
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function operatorKey() {
  const pair = generateKeyPair();
  const key = createPrivateKey(pair.privatePem);
  const sign = (device: string, version: number) =>
    signEnvelope(
      {
        kind: 'aimlock.push/v1',
        id: randomUUID(),
        device,
        version,
        issued_at: new Date().toISOString(),
        config: GOOD_CONFIG,
      },
      key,
      'ops-sim',
    ) as Doc;
  return { publicPem: pair.publicPem, sign };
}

t.test('which drones get trouble: deterministic, spread, never the first unless all', async (t) => {
  const names = ['d1', 'd2', 'd3', 'd4', 'd5'];
  t.same(planKinds(names, { ghost: 1, hot: 1, flaky: 1 }), ['normal', 'flaky', 'normal', 'hot', 'ghost']);
  t.same(planKinds(names, { ghost: 1, hot: 1, flaky: 1 }), planKinds(names, { ghost: 1, hot: 1, flaky: 1 }));
  t.same(spreadIndices(50, 5), [49, 39, 29, 19, 9]);
  t.notOk(spreadIndices(10, 9).includes(0), 'the first drone stays normal while it can');
  t.same(spreadIndices(3, 3).sort(), [0, 1, 2]);
  t.same(planKinds(names, { hot: 1 }, { ghost: ['d1', 'd2'] }), [
    'ghost',
    'ghost',
    'normal',
    'normal',
    'hot',
  ]);
  t.throws(() => planKinds(names, { ghost: 6 }), SimConfigError);
  t.throws(() => planKinds(names, {}, { ghost: ['d1'], hot: ['d1'] }), /both ghost and hot/);
  t.throws(() => planKinds(names, {}, { flaky: ['nope'] }), /not in this fleet/);
  t.throws(() => planKinds(names, { ghost: 2 }, { ghost: ['d1'] }), /disagree/);
});

t.test('5 drones: ghost reclaimed, hot answers lock_mismatch until released, flaky rolls back', async (t) => {
  const broker = await startMosquitto(t);
  const fleetName = 'simt';
  const op = operatorKey();
  const watch = await watchFleet(t, broker.url, fleetName);
  const fleet = await startFleet({
    drones: 5,
    brokerUrl: broker.url,
    fleet: fleetName,
    ghosts: 1,
    hot: 1,
    flaky: 1,
    keys: [{ id: 'ops-sim', publicPem: op.publicPem }],
    log: pino({ level: 'silent' }),
    gcIntervalMs: 300,
  });
  t.teardown(() => fleet.stop());
  const names = fleet.devices.map((d) => d.device);
  t.same(names, ['drone-01', 'drone-02', 'drone-03', 'drone-04', 'drone-05']);
  const of = (kind: string) => fleet.devices.find((d) => d.kind === kind)!;
  const [ghost, hot, flaky] = [of('ghost'), of('hot'), of('flaky')];
  t.equal(fleet.devices[0]!.kind, 'normal', 'the first drone is normal');
  t.ok(existsSync(fleet.dir), 'boards in a temp dir');

  await watch.allInState(names, 'online');
  t.pass('every drone published a retained online status');
  const reclaimed = await watch.until<Doc>(
    () => watch.telemetry.find((e) => e.event === 'lock_reclaimed'),
    'lock_reclaimed',
  );
  t.equal(reclaimed.device, ghost.device, 'the ghost drone reclaimed its ghost at boot');
  t.equal((reclaimed.previous as { owner: { pid: number } }).owner.pid, ghost.ghostOwnerPid);
  t.equal((reclaimed.previous as { verdict: string }).verdict, 'STALE');
  t.notOk(alive(ghost.ghostOwnerPid!), 'the planted owner is dead');

  const hotLocks = await aimlock(null, ['locks', '--json', '--settings', hot.settingsFile]);
  t.equal(hotLocks.code, 3, 'aimlock locks works on a simulated board');
  t.equal(JSON.parse(hotLocks.stdout).verdict, 'UNOWNED');

  const pushes = new Map(fleet.devices.map((d) => [d.device, op.sign(d.device, 1)]));
  await Promise.all(
    [...pushes].map(([device, doc]) =>
      watch.client.publishAsync(`aimlock/v1/${fleetName}/${device}/config/push`, JSON.stringify(doc), {
        qos: 1,
      }),
    ),
  );
  for (const d of fleet.devices) {
    const id = String(pushes.get(d.device)!.id);
    if (d.kind === 'normal' || d.kind === 'ghost') {
      t.equal((await watch.result(id, 'applied')).code, 'ok', `${d.device} (${d.kind}) applied`);
    } else {
      const r = await watch.result(id, 'rejected');
      t.equal(
        r.code,
        d.kind === 'hot' ? 'lock_mismatch' : 'rolled_back',
        `${d.device} (${d.kind}) ${r.code}`,
      );
    }
  }
  const mismatch = watch.telemetry.find((e) => e.event === 'lock_mismatch');
  t.equal(mismatch?.device, hot.device);
  t.same(
    ((mismatch?.kernel_holders ?? []) as Array<{ pid: number }>).map((h) => h.pid),
    [hot.holderPid],
    'the foreign holder is named',
  );

  const holderPid = hot.holderPid!;
  t.same(fleet.childPids(), [holderPid]);
  await fleet.releaseHot(hot.device);
  t.notOk(alive(holderPid), 'releaseHot killed the holder');
  const landed = await watch.result(String(pushes.get(hot.device)!.id), 'applied');
  t.equal(landed.code, 'ok', 'the desired push landed on the hot drone without a new push');
  t.notOk(watch.results.some((r) => r.device === flaky.device && r.status === 'applied'));

  await fleet.stop();
  const after = await retainedStatuses(broker.url, fleetName, 5);
  t.same(
    names.map((d) => after.get(d)?.state),
    names.map(() => 'offline'),
    'every retained status says offline after stop()',
  );
  t.same(fleet.childPids(), [], 'no child left');
  t.notOk(alive(holderPid) || alive(ghost.ghostOwnerPid!));
  t.notOk(existsSync(fleet.dir), 'the temp dir is gone');
  await fleet.stop(); // idempotent
});

t.test('50 drones in one process: all online, all apply, RSS', async (t) => {
  const broker = await startMosquitto(t);
  const op = operatorKey();
  const watch = await watchFleet(t, broker.url, 'big');
  const rssBefore = process.memoryUsage().rss;
  const started = Date.now();
  const fleet = await startFleet({
    drones: 50,
    brokerUrl: broker.url,
    fleet: 'big',
    ghosts: 3,
    keys: [{ id: 'ops-sim', publicPem: op.publicPem }],
    log: pino({ level: 'silent' }),
  });
  t.teardown(() => fleet.stop());
  const names = fleet.devices.map((d) => d.device);
  t.equal(names[0], 'drone-01');
  t.equal(names[49], 'drone-50');
  await watch.allInState(names, 'online', 60000);
  const startMs = Date.now() - started;
  const rss = process.memoryUsage().rss;
  t.comment(
    `50 drones online in ${startMs} ms; RSS ${(rss / 2 ** 20).toFixed(1)} MiB (${((rss - rssBefore) / 2 ** 20).toFixed(1)} MiB more than before the fleet)`,
  );
  await watch.until(
    () => watch.telemetry.filter((e) => e.event === 'lock_reclaimed').length === 3,
    '3 lock_reclaimed',
  );

  // Agents in one process do not get in each other's way: a push to every drone at once lands everywhere,
  // LANDINGS_AT_ONCE boards at a time (sim-turns.ts). Sampled meanwhile: the inodes this process holds a flock
  // on (the boards' lock files are made by their first landing, so they are picked out afterwards). A read of
  // /proc/locks longer than a page is several reads, each finding its place by position, so a lock taken
  // meanwhile can show one line twice: a sample counts distinct inodes.
  const samples: number[][] = [];
  const sampler = setInterval(() => {
    samples.push(
      readFileSync('/proc/locks', 'utf8')
        .split('\n')
        .filter((l) => l.includes(' FLOCK ') && !l.includes('->') && l.includes(` ${process.pid} `))
        .map((l) => Number(/:(\d+) /.exec(l)?.[1])),
    );
  }, 1);
  t.teardown(() => clearInterval(sampler));
  const pushes = names.map((d) => op.sign(d, 1));
  await Promise.all(
    pushes.map((doc) =>
      watch.client.publishAsync(`aimlock/v1/big/${String(doc.device)}/config/push`, JSON.stringify(doc), {
        qos: 1,
      }),
    ),
  );
  for (const doc of pushes) await watch.result(String(doc.id), 'applied', 60000);
  t.pass('all 50 applied');
  clearInterval(sampler);
  const lockInodes = new Set(
    fleet.devices.map((d) => statSync(join(d.dir, 'var', 'aim_lock_config.conf.lock')).ino),
  );
  const mostAtOnce = Math.max(
    ...samples.map((inodes) => new Set(inodes.filter((i) => lockInodes.has(i))).size),
  );
  t.ok(mostAtOnce > 0, `landings seen holding their locks (${mostAtOnce} at most at once)`);
  t.ok(
    mostAtOnce <= LANDINGS_AT_ONCE,
    `at most ${LANDINGS_AT_ONCE} boards landed at once (${mostAtOnce} seen)`,
  );
  t.comment(`RSS after 50 applies: ${(process.memoryUsage().rss / 2 ** 20).toFixed(1)} MiB`);

  await fleet.stop();
  const after = await retainedStatuses(broker.url, 'big', 50);
  t.equal([...after.values()].filter((s) => s.state === 'offline').length, 50, 'all offline after stop()');
});

t.test('aimlock sim: help, usage, run until SIGINT', async (t) => {
  const help = await aimlock(null, ['sim', '--help']);
  t.equal(help.code, 0);
  t.match(help.stdout, /aimlock sim --drones N/);
  t.match(help.stdout, /--ghosts K/);
  t.match((await aimlock(null, ['--help'])).stdout, /\n {2}sim +run a simulated fleet/);
  const usage = await aimlock(null, ['sim']);
  t.equal(usage.code, 2);
  t.match(usage.stderr, /^aimlock: usage: --drones N is required/);
  const tooMany = await aimlock(null, ['sim', '--drones', '2', '--ghosts', '3']);
  t.equal(tooMany.code, 2, 'more trouble than drones: usage, before any broker is asked');
  t.match(tooMany.stderr, /only 2 drone\(s\) are left/);
  const noBroker = await aimlock(null, ['sim', '--drones', '1', '--broker', 'mqtt://127.0.0.1:1']);
  t.equal(noBroker.code, 5, 'no broker answers: timeout');
  t.match(noBroker.stderr, /^aimlock: timeout: no MQTT broker answers at mqtt:\/\/127.0.0.1:1/);

  const broker = await startMosquitto(t);
  const watch = await watchFleet(t, broker.url, 'cli');
  const child = spawn(
    ...plainNode([
      CLI,
      'sim',
      '--drones',
      '3',
      '--ghosts',
      '1',
      '--hot',
      '1',
      '--fleet',
      'cli',
      '--broker',
      broker.url,
    ]),
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited(child);
    }
  });
  let stdout = '';
  child.stdout!.on('data', (d) => {
    stdout += d;
  });
  await waitForLine(child, /^Ctrl-C stops every drone/, 30000);
  t.match(stdout, /3 drones of fleet "cli" online/);
  t.match(stdout, / {2}ghost {3}drone-03 /);
  t.match(stdout, / {2}hot {5}drone-02 +foreign flock\(1\) holder pid (\d+)/);
  const holderPid = Number(/holder pid (\d+)/.exec(stdout)![1]);
  const keyPath = /^sign pushes with: (.+)$/m.exec(stdout)![1]!;
  t.ok(existsSync(keyPath), 'a generated operator key');
  const dir = /^boards: (\S+)/m.exec(stdout)![1]!;
  await watch.allInState(['drone-01', 'drone-02', 'drone-03'], 'online');
  await watch.until(() => /drone-03 telemetry lock_reclaimed/.test(stdout), 'the reclaim event line');

  const gone = exited(child);
  child.kill('SIGINT');
  await gone;
  t.equal(child.exitCode, 0, 'exit 0 on SIGINT');
  const after = await retainedStatuses(broker.url, 'cli', 3);
  t.same(
    [...after.values()].map((s) => s.state),
    ['offline', 'offline', 'offline'],
  );
  t.notOk(alive(holderPid), 'the hot holder is gone');
  t.notOk(existsSync(dir), 'the temp dir is removed');
});
