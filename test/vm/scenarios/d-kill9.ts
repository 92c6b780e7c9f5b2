// d. The agent is kill -9'ed while it holds the lock (its apply hook is slow): systemd restarts it
// (Restart=on-failure), the agent reclaims its own ghost at start (audited, lock_reclaimed on the host), and the
// desired push, which never got its answer, lands. The live config parses whole at every step: before the kill
// (the new config is durable before the hook runs), between kill and restart, and after.

import { asleepInHook, BOARD } from '../lab.js';
import type { Scenario } from './index.js';

export const kill9: Scenario = {
  id: 'd',
  title: 'kill -9 while holding the lock: restarted, ghost reclaimed at start, push lands, config whole',
  async run(t, lab) {
    // Run alone (--only d) nothing has landed yet: one config first, so there is an old one to keep whole.
    if ((await lab.applied()) === null) {
      const first = await lab.push();
      await lab.op.result(first.id, 'applied', lab.budget(1500));
    }
    const before = await lab.live();
    t.ok(before, 'the live config parses before');
    const { NRestarts: restarts0 } = await lab.unit(['NRestarts']);
    await lab.run(['sh', '-c', `mkdir -p /run/lab && touch ${BOARD.slowHook}`]);
    const p = await lab.push();
    const pid = await lab.mainPid();
    await lab.waitFor(
      `the agent (pid ${pid}) holding the lock in its slow apply hook`,
      lab.budget(8000),
      async () =>
        (await lab.ownerPid()) === pid && (await lab.sh(asleepInHook(pid))).code === 0 ? true : undefined,
    );
    await lab.run(['rm', '-f', BOARD.slowHook]);
    const during = await lab.live();
    t.equal(during?.version, p.version, 'mid-hook the live config is the new one, whole');

    const telemetryFrom = lab.op.telemetry.length;
    const resultsFrom = lab.op.results.length;
    const killedAt = Date.now();
    await lab.run(['kill', '-9', String(pid)]);
    const between = await lab.live();
    t.ok(
      between?.version === p.version || between?.version === before?.version,
      `right after the kill the live config is whole (version ${between?.version})`,
    );

    await lab.waitFor('systemd restarting the agent', lab.budget(5000), async () => {
      const u = await lab.unit(['ActiveState', 'NRestarts', 'MainPID']);
      return u.ActiveState === 'active' && u.NRestarts !== restarts0 && Number(u.MainPID) !== pid
        ? u
        : undefined;
    });
    t.pass('systemd restarted the agent (NRestarts went up, a new MainPID, active)');
    const journal = await lab.run([
      'journalctl',
      '-u',
      'aimlockd',
      '-b',
      '-o',
      'cat',
      '--no-pager',
      `--since=@${Math.floor(killedAt / 1000) - 1}`,
    ]);
    t.match(
      journal.stdout,
      /Main process exited, code=killed, status=9\/KILL/,
      'the journal says it was SIGKILLed',
    );

    const reclaimed = await lab.waitFor(
      'lock_reclaimed telemetry on the host',
      lab.budget(10_000),
      async () => lab.op.telemetry.slice(telemetryFrom).find((e) => e.event === 'lock_reclaimed'),
    );
    t.ok(reclaimed, 'the agent published lock_reclaimed');
    const audit = (await lab.audit()).filter((a) => a.event === 'lock_reclaimed');
    const last = audit.at(-1) as {
      reason?: string;
      previous?: { owner?: { pid?: number }; reason?: string };
    };
    t.match(
      String(last?.reason),
      /boot reclaim/,
      `the audit log has the boot reclaim: ${JSON.stringify(last)}`,
    );
    t.equal(last?.previous?.owner?.pid, pid, 'of the killed agent’s lock');

    const landed = await lab.op.result(p.id, 'applied', lab.budget(1500), resultsFrom);
    t.equal(landed.code, 'ok', 'the desired push lands after the restart');
    const after = await lab.live();
    t.equal(after?.version, p.version, 'the live config is whole and carries it');
    t.equal((await lab.locks()).verdict, 'FREE', 'the lock is free');
  },
};
