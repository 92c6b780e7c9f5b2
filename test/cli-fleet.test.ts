// `aimlock fleet` as a real process: three real agents on three boards of one fleet (one on hold, one stopped),
// a real Mosquitto; the JSON view, the text table, and --watch printing one line per change.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { agentBoard, startAgent } from './helpers/agent.js';
import { aimlock, CLI, configWith, plainNode } from './helpers/board.js';
import { startMosquitto } from './helpers/mosquitto.js';

interface Row {
  device: string;
  state: string | null;
  applied: { version: number } | null;
  lock: string | null;
  last_result: { status: string; code: string; version: number | null } | null;
  age_s: number | null;
}

t.test('aimlock fleet: every device, its state and applied version', async (t) => {
  const broker = await startMosquitto(t);
  const root = t.testdir();
  const boards = ['drone-01', 'drone-02', 'drone-03'].map((device) => {
    const b = agentBoard(join(root, device), broker.url, { device, fleet: 'alpha' });
    const key = join(b.dir, 'ops-test.key');
    writeFileSync(key, b.op.key.export({ type: 'pkcs8', format: 'pem' }));
    return { ...b, device, key };
  });
  const agents = await Promise.all(boards.map((b) => startAgent(t, b)));
  const desk = ['--fleet', 'alpha', '--broker', broker.url];
  const push = async (b: (typeof boards)[number], sensitivity: number) => {
    const file = b.writeJson(
      `aim-${sensitivity}.json`,
      configWith((c) => (c.aim.sensitivity = sensitivity)),
    );
    const r = await aimlock(null, ['push', file, '--device', b.device, '--key', b.key, ...desk]);
    t.equal(r.code, 0, `push to ${b.device}: ${r.stderr}`);
  };
  for (const b of boards) await push(b, 0.5);
  await push(boards[1]!, 0.6); // drone-02 at version 2
  t.equal((await aimlock(boards[0]!, ['hold', '--reason', 'prop check'])).code, 0);
  t.equal(await agents[2]!.stop(), 0, 'drone-03 stopped: it says offline on its way out');

  const fleetJson = async () => {
    const r = await aimlock(null, ['fleet', ...desk, '--json']);
    t.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as { fleet: string; devices: Row[] };
  };
  // The hold reaches the retained status a moment after the command returns.
  let view = await fleetJson();
  for (let i = 0; i < 40 && view.devices[0]?.state !== 'hold'; i++) {
    await new Promise((r) => setTimeout(r, 100));
    view = await fleetJson();
  }
  t.equal(view.fleet, 'alpha');
  t.same(
    view.devices.map((d) => [d.device, d.state, d.applied?.version ?? null, d.lock]),
    [
      ['drone-01', 'hold', 1, 'FREE'],
      ['drone-02', 'online', 2, 'FREE'],
      ['drone-03', 'offline', 1, 'FREE'],
    ],
  );
  t.ok(
    view.devices.every((d) => d.age_s !== null && d.age_s < 60),
    'ages from the status timestamps',
  );
  // Results are not retained, but every status carries its device's last answer (drone-02: the v2 push).
  t.same(
    view.devices.map((d) => [d.device, d.last_result?.status, d.last_result?.code, d.last_result?.version]),
    [
      ['drone-01', 'applied', 'ok', 1],
      ['drone-02', 'applied', 'ok', 2],
      ['drone-03', 'applied', 'ok', 1],
    ],
    'the last answer of every device, heard or not',
  );

  const text = await aimlock(null, ['fleet', ...desk]);
  t.equal(text.code, 0, text.stderr);
  const lines = text.stdout.split('\n');
  t.match(lines[0], /^DEVICE\s+STATE\s+APPLIED\s+LOCK\s+LAST ANSWER\s+AGE$/);
  t.match(
    lines.find((l) => l.startsWith('drone-03')) ?? '',
    /^drone-03\s+OFFLINE\s+1\s+FREE\s+applied\/ok\s+\d+s$/,
  );
  t.match(lines.find((l) => l.startsWith('drone-01')) ?? '', /^drone-01\s+hold\s+1\s/);
  t.match(lines.find((l) => l.startsWith('drone-02')) ?? '', /^drone-02\s+online\s+2\s/);
  t.match(text.stdout, /3 device\(s\): 1 online, 1 hold, 1 offline/);
  t.notOk(text.stdout.includes('\u001b['), 'no colour codes when stdout is not a terminal');

  // --watch (not a terminal): the table, then one line per change, until SIGINT (exit 0).
  const child = spawn(...plainNode([CLI, 'fleet', ...desk, '--watch']), {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const until = async (re: RegExp, what: string) => {
    const deadline = Date.now() + 15000;
    while (!re.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    t.match(out, re, what);
  };
  await until(/1 offline\n/, 'the table first');
  await push(boards[1]!, 0.7);
  await until(/ drone-02 answer applied\/ok push \S+ version 3\n/, 'a line for the answer');
  await until(/ drone-02 online applied 3 lock FREE\n/, 'a line for the new status');
  child.kill('SIGINT');
  t.equal(await exited, 0, 'Ctrl-C ends the watch with 0');
});

t.test('an empty fleet says so, exit 0', async (t) => {
  const broker = await startMosquitto(t);
  const r = await aimlock(null, ['fleet', '--fleet', 'nobody', '--broker', broker.url]);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /no device of fleet nobody has a retained status/);
  const j = await aimlock(null, ['fleet', '--fleet', 'nobody', '--broker', broker.url, '--json']);
  t.same(JSON.parse(j.stdout), { fleet: 'nobody', devices: [] });
});
