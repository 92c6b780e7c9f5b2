// The unit is checked by systemd's own tools: it must verify cleanly and keep its exposure score ≤ 3.0, and
// must not hide processes from the agent (which would make a live lock owner look dead).
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { ROOT } from './helpers/board.js';

const UNIT = join(ROOT, 'systemd/aimlockd.service');

t.test('systemd-analyze verify accepts the unit', async (t) => {
  const dir = t.testdir();
  const copy = join(dir, 'aimlockd.service');
  copyFileSync(UNIT, copy);
  const r = spawnSync('systemd-analyze', ['verify', copy], { encoding: 'utf8' });
  // verify also complains about ExecStart binaries missing on this machine (/opt/aimlock is not installed here).
  const problems = r.stderr
    .split('\n')
    .filter((l) => l.trim() && !/is not executable|No such file|Command .* is not/.test(l));
  t.same(problems, [], 'no unit file problems');
});

t.test('systemd-analyze security: exposure at or below 3.0', async (t) => {
  const out = execFileSync('systemd-analyze', ['security', '--offline=yes', UNIT], { encoding: 'utf8' });
  const m = /Overall exposure level for aimlockd\.service: ([\d.]+)/.exec(out);
  t.ok(m, 'an exposure level is printed');
  t.ok(Number(m?.[1]) <= 3.0, `exposure ${m?.[1]} <= 3.0`);
});

t.test('the unit keeps /proc whole and V8 working', async (t) => {
  const unit = readFileSync(UNIT, 'utf8');
  for (const forbidden of [
    /^ProtectProc=invisible/m,
    /^ProcSubset=pid/m,
    /^PrivatePIDs=yes/m,
    /^MemoryDenyWriteExecute=yes/m,
  ]) {
    t.notMatch(unit, forbidden, `${forbidden} is not set`);
  }
  t.match(unit, /^Type=notify$/m);
  t.match(unit, /^WatchdogSec=/m);
});

t.test("this Node takes the unit's Node flags, and the agent starts under them", async (t) => {
  // A flag this Node does not know stops the agent before it logs a line ("bad option"): only the journal
  // would say why. The ARM lane runs the staged wrapper, which carries the same flags, on its own Node.
  const unit = readFileSync(UNIT, 'utf8');
  const flags = /^ExecStart=\S*node((?:\s+-\S+)*)\s+\S+\/dist\/agent\/main\.js/m
    .exec(unit)?.[1]
    ?.trim()
    .split(/\s+/);
  t.ok(flags && flags.length > 0, `ExecStart names Node flags: ${flags?.join(' ')}`);
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const r = spawnSync(process.execPath, [...(flags ?? []), join(ROOT, 'dist/agent/main.js'), '--version'], {
    encoding: 'utf8',
    env,
  });
  t.equal(r.status, 0, `exit 0 (stderr: ${r.stderr.trim()})`);
  t.match(r.stdout, /^\d+\.\d+\.\d+/, 'prints its version');
  t.equal(r.stderr, '', 'no warning from V8 or Node about a flag');
});
