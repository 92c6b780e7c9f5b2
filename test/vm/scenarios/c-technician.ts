// c. A technician works as root on the board with the agent running: hold, resume, apply, rollback,
// release --force, and a reclaim of a ghost left by a root writer killed mid-apply; then
// `systemctl restart aimlockd`, and pushes still land. Finally every file under the state directory must still
// be readable and writable by the agent's user (root's commands must leave nothing the agent cannot write:
// DESIGN "Who owns what on a board").
import { configWith } from '../../helpers/board.js';
import { BOARD } from '../lab.js';
import type { Scenario } from './index.js';

/** Files and directories under the state directory that user aimlock cannot read and write (or enter). */
const UNUSABLE = `find ${BOARD.state} | while read -r f; do
  if [ -d "$f" ]; then runuser -u aimlock -- test -r "$f" -a -w "$f" -a -x "$f" || echo "$f $(stat -c '%U:%G %a' "$f")"
  else runuser -u aimlock -- test -r "$f" -a -w "$f" || echo "$f $(stat -c '%U:%G %a' "$f")"; fi
done`;

export const technician: Scenario = {
  id: 'c',
  title: 'technician commands as root, restart, pushes land, the state stays the agent’s',
  async run(t, lab) {
    const hold = await lab.aimlock(['hold', '--reason', 'lab c']);
    t.equal(hold.code, 0, 'aimlock hold exits 0', { output: hold.stderr });
    const held = await lab.push();
    const deferred = await lab.op.result(held.id, 'deferred', lab.budget(1500));
    t.equal(deferred.code, 'hold', 'a push meanwhile is deferred/hold');
    const resume = await lab.aimlock(['resume']);
    t.equal(resume.code, 0, 'aimlock resume exits 0', { output: resume.stderr });
    await lab.op.result(held.id, 'applied', lab.budget(1500));
    t.pass('the held push lands after resume');

    await lab.run(['sh', '-c', 'cat > /root/c-apply.json'], {
      input: JSON.stringify(configWith((c) => (c.aim.sensitivity = 0.33))),
    });
    const apply = await lab.aimlock(['apply', '/root/c-apply.json', '--reason', 'lab c hotfix']);
    t.equal(apply.code, 0, 'aimlock apply exits 0', { output: apply.stdout + apply.stderr });
    t.equal((await lab.live())?.sensitivity, 0.33, 'the hotfix is live');
    const rollback = await lab.aimlock(['rollback']);
    t.equal(rollback.code, 0, 'aimlock rollback exits 0', { output: rollback.stdout + rollback.stderr });
    t.equal((await lab.live())?.sensitivity, held.sensitivity, 'rollback brings the pushed config back');

    const release = await lab.aimlock(['release', '--force', '--reason', 'lab c']);
    t.equal(release.code, 0, 'aimlock release --force exits 0', { output: release.stdout + release.stderr });
    t.equal((await lab.locks()).verdict, 'FREE', 'the lock is free after it');
    const resume2 = await lab.aimlock(['resume']);
    t.equal(resume2.code, 0, 'aimlock resume ends the hold release --force put in place');

    // A ghost needs a writer that dies holding the lock; the agent is stopped meanwhile, or its collector
    // (every 2 s) would reclaim the ghost before the technician can.
    await lab.run(['systemctl', 'stop', 'aimlockd'], { timeoutMs: lab.budget(5000) });
    const writer = await lab.slowRootWriter('c-ghost');
    await lab.run(['kill', '-9', '--', `-${writer}`]);
    t.equal((await lab.locks()).verdict, 'STALE', 'root writer killed mid-apply: a ghost (STALE)');
    const reclaim = await lab.aimlock(['reclaim', '--reason', 'lab c']);
    t.equal(reclaim.code, 0, 'aimlock reclaim exits 0', { output: reclaim.stdout + reclaim.stderr });
    t.equal((await lab.locks()).verdict, 'FREE', 'the lock is free after it');

    // Checked before the restart: when a root-made file stops the agent, this names the file.
    const bad = await lab.sh(UNUSABLE);
    t.equal(bad.stdout.trim(), '', `every file under ${BOARD.state} is readable and writable by aimlock`);
    const restart = await lab.run(['systemctl', 'restart', 'aimlockd'], { timeoutMs: lab.budget(5000) });
    t.equal(restart.code, 0, 'systemctl restart aimlockd exits 0', { output: restart.stderr });
    t.equal((await lab.unit(['ActiveState'])).ActiveState, 'active', 'the agent is active again');
    const after = await lab.push();
    const landed = await lab.op.result(after.id, 'applied', lab.budget(1500));
    t.equal(landed.code, 'ok', 'a push after the restart lands');
    t.equal((await lab.live())?.version, after.version, 'and is live');
  },
};
