// f. A real reboot while a hung writer holds the lock bit: a root `aimlock apply` stopped (kill -STOP) in
// its apply hook, HUNG and never reclaimed while the board runs; a push meanwhile is a lock mismatch. After the
// reboot the owner record names a process of another boot: the agent reclaims the lock at start, the audit log
// names that proof, and the desired push lands without being sent again.
//
// The reboot is a hard one (synced, then reboot(2), as a hardware watchdog resets a hung board). An orderly
// `systemctl reboot` sends every process SIGTERM then SIGCONT: the stopped writer woke, finished its apply
// (taking the push's version) and released the lock before the board went down — a run saw exactly that.
import type { Scenario } from './index.js';

export const reboot: Scenario = {
  id: 'f',
  title: 'reboot with a hung writer holding the lock: reclaimed at start (other boot), push lands',
  async run(t, lab) {
    const writer = await lab.slowRootWriter('f-hung');
    await lab.run(['kill', '-STOP', String(writer)]);
    // HUNG comes once the heartbeat is older than lock.heartbeat_ttl_ms (the default 10 s, board time).
    const hung = await lab.waitFor('the stopped writer turning HUNG', 10_000 + lab.budget(2000), async () => {
      const l = await lab.locks();
      return l.verdict === 'HUNG' ? l : undefined;
    });
    t.equal(hung.verdict, 'HUNG', 'a stopped writer whose heartbeat went stale is HUNG (not reclaimed)');
    const p = await lab.push();
    const rejected = await lab.op.result(p.id, 'rejected', lab.budget(1500));
    t.equal(rejected.code, 'lock_mismatch', 'a push meanwhile is a lock mismatch');

    const oldBoot = lab.guest.bootId;
    const resultsFrom = lab.op.results.length;
    const r = await lab.reboot({ hard: true });
    t.not(r.bootId, oldBoot, `the board rebooted (boot ${r.bootId.slice(0, 8)}…)`);
    lab.measure(
      `reboot (systemctl reboot to multi-user): ${(r.ms / 1000).toFixed(1)} s; ${await lab.systemdBootTime()}`,
    );

    const u = await lab.waitFor('the agent active after the reboot', lab.budget(5000), async () => {
      const v = await lab.unit(['ActiveState', 'NRestarts']);
      return v.ActiveState === 'active' ? v : undefined;
    });
    t.equal(u.NRestarts, '0', 'the agent came up with the boot, without restarts');
    const reclaims = (await lab.audit()).filter((a) => a.event === 'lock_reclaimed');
    const last = reclaims.at(-1) as {
      reason?: string;
      previous?: { owner?: { pid?: number }; reason?: string };
    };
    t.equal(last?.previous?.owner?.pid, writer, `the audit log has the reclaim of the hung writer’s lock`);
    t.match(
      String(last?.previous?.reason),
      /boot/i,
      `and names the proof, another boot: "${last?.previous?.reason}"`,
    );
    const landed = await lab.op.result(p.id, 'applied', lab.budget(1500), resultsFrom);
    t.equal(landed.code, 'ok', 'the desired push lands after the reboot');
    t.equal((await lab.live())?.version, p.version, 'and is live');
  },
};
