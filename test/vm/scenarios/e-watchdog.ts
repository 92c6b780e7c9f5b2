// e. The watchdog: a frozen agent (kill -STOP) stops sending WATCHDOG=1; systemd kills it after the unit's
// WatchdogSec (20 s, not shortened: the real unit is what is tested), restarts it, and the journal says why.

import { systemdSpanMs } from '../lab.js';
import type { Scenario } from './index.js';

export const watchdog: Scenario = {
  id: 'e',
  title: 'kill -STOP: systemd kills the agent after WatchdogSec, restarts it, the journal says why',
  async run(t, lab) {
    const u0 = await lab.unit(['WatchdogUSec', 'NRestarts', 'MainPID']);
    const watchdogMs = systemdSpanMs(u0.WatchdogUSec ?? '');
    t.ok(watchdogMs > 0, `the unit has a watchdog (${u0.WatchdogUSec})`);
    const pid = Number(u0.MainPID);
    const stoppedAt = Date.now();
    await lab.run(['kill', '-STOP', String(pid)]);
    const u = await lab.waitFor(
      'systemd restarting the frozen agent',
      watchdogMs + lab.budget(5000),
      async () => {
        const v = await lab.unit(['ActiveState', 'NRestarts', 'MainPID']);
        return v.ActiveState === 'active' && v.NRestarts !== u0.NRestarts && Number(v.MainPID) !== pid
          ? v
          : undefined;
      },
    );
    const took = Date.now() - stoppedAt;
    t.ok(
      took >= watchdogMs,
      `the restart came after WatchdogSec (${(took / 1000).toFixed(1)} s ≥ ${watchdogMs / 1000} s)`,
    );
    t.equal(Number(u.NRestarts), Number(u0.NRestarts) + 1, 'exactly one restart');
    const journal = await lab.run([
      'journalctl',
      '-u',
      'aimlockd',
      '-b',
      '-o',
      'cat',
      '--no-pager',
      `--since=@${Math.floor(stoppedAt / 1000) - 1}`,
    ]);
    t.match(journal.stdout, /Watchdog timeout/, 'the journal says: Watchdog timeout');
    t.match(journal.stdout, /Failed with result 'watchdog'/, "and: Failed with result 'watchdog'");
    const alive = await lab.run(['kill', '-0', String(pid)]);
    t.not(alive.code, 0, `the frozen process (pid ${pid}) is gone`);
    const p = await lab.push();
    await lab.op.result(p.id, 'applied', lab.budget(1500));
    t.pass('the restarted agent lands a push');
  },
};
