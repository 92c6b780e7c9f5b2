// b. A signed push published on the host lands on the board (answered `applied`, the live config carries
// it). A foreign flock(1) holder on the lock file makes the next push a lock mismatch: `lock_mismatch`
// telemetry reaches the host naming the holder, the push is answered rejected/lock_mismatch, and once the
// holder is gone the same push lands by itself, without being sent again.

import { BOARD } from '../lab.js';
import type { Scenario } from './index.js';

export const push: Scenario = {
  id: 'b',
  title: 'a signed push lands; a foreign flock(1) holder gives lock_mismatch, then the push lands by itself',
  async run(t, lab) {
    const first = await lab.push();
    const applied = await lab.op.result(first.id, 'applied', lab.budget(1500));
    t.equal(applied.code, 'ok', `push v${first.version} is answered applied/ok`);
    const live = await lab.live();
    t.equal(live?.sensitivity, first.sensitivity, 'the live config on the board carries it');
    t.equal(live?.version, first.version, 'and names its version');

    // flock(1) keeps the lock while its child sleeps; its own session so the whole group can be killed.
    const holder = await lab.guest.detach(['flock', BOARD.lockFile, 'sleep', '900']);
    await lab.waitFor('flock(1) holding the lock file', lab.budget(2000), async () =>
      (await lab.holdsKernelLock(holder)) ? true : undefined,
    );
    const telemetryFrom = lab.op.telemetry.length;
    const second = await lab.push();
    const rejected = await lab.op.result(second.id, 'rejected', lab.budget(1500));
    t.equal(rejected.code, 'lock_mismatch', 'the push is answered rejected/lock_mismatch');
    const mismatch = await lab.waitFor('lock_mismatch telemetry on the host', lab.budget(5000), async () =>
      lab.op.telemetry.slice(telemetryFrom).find((e) => e.event === 'lock_mismatch'),
    );
    t.equal(mismatch.state, 'HOT', 'the telemetry says HOT');
    t.equal(mismatch.verdict, 'UNOWNED', 'with verdict UNOWNED');
    const holders = (mismatch.kernel_holders ?? []) as Array<{ pid: number }>;
    t.ok(
      holders.some((h) => h.pid === holder),
      `and names the flock(1) process (pid ${holder}) among the kernel holders: ${JSON.stringify(holders)}`,
    );
    t.equal((await lab.live())?.version, first.version, 'the live config is unchanged meanwhile');

    const from = lab.op.results.length;
    await lab.run(['kill', '--', `-${holder}`]);
    const landed = await lab.op.result(second.id, 'applied', lab.budget(1500), from);
    t.equal(landed.code, 'ok', 'once the holder is gone the same push lands by itself');
    t.equal((await lab.live())?.version, second.version, 'the live config carries it');
  },
};
