// h. The sandbox: `systemd-analyze security aimlockd` on the board scores an exposure ≤ 2.0, and inside that
// sandbox the agent still sees every process (no ProtectProc=/ProcSubset=/PrivatePIDs=; the agent's own
// /proc has no hidepid=), so it can prove an owner dead: a root writer killed -9 mid-apply, a process of
// another user in this same boot, is reclaimed by the agent's collector on its own, and the records it had
// staged are swept.
import type { Scenario } from './index.js';

export const sandbox: Scenario = {
  id: 'h',
  title: 'systemd-analyze security ≤ 2.0; the sandboxed agent sees every process and proves an owner dead',
  async run(t, lab) {
    const sec = await lab.run(['systemd-analyze', 'security', 'aimlockd', '--no-pager']);
    const m = /Overall exposure level for aimlockd\.service: (\d+(?:\.\d+)?)/.exec(sec.stdout);
    t.ok(m, 'systemd-analyze security prints an overall exposure', {
      output: sec.stdout.slice(-400) + sec.stderr,
    });
    const exposure = Number(m?.[1]);
    t.ok(exposure <= 2.0, `exposure ${exposure} ≤ 2.0`);
    lab.measure(`systemd-analyze security aimlockd: exposure ${exposure}`);

    const u = await lab.unit(['ProtectProc', 'ProcSubset', 'MainPID']);
    t.equal(u.ProtectProc, 'default', 'ProtectProc is not set (no process is hidden from the agent)');
    t.equal(u.ProcSubset, 'all', 'ProcSubset is all (/proc/locks visible)');
    // The agent's own view: its mount namespace's /proc and its pid namespace against init's.
    const pid = u.MainPID;
    const procOpts = await lab.sh(`nsenter -t ${pid} -m awk '$2 == "/proc" { print $4 }' /proc/self/mounts`);
    t.notMatch(
      procOpts.stdout,
      /hidepid=(?!0|off)|subset=pid/,
      `the agent's /proc (${procOpts.stdout.trim()}) hides nothing`,
    );
    const ns = await lab.sh(`readlink /proc/${pid}/ns/pid /proc/1/ns/pid`);
    const [agentNs, initNs] = ns.stdout.trim().split('\n');
    t.equal(agentNs, initNs, `the agent is in init's pid namespace (${agentNs})`);

    // The proof in action: a root process dies holding the lock; the agent (user aimlock) proves it dead.
    const telemetryFrom = lab.op.telemetry.length;
    const writer = await lab.slowRootWriter('h-ghost');
    await lab.run(['kill', '-9', '--', `-${writer}`]);
    const reclaimed = await lab.waitFor(
      'the agent reclaiming the root writer’s ghost',
      lab.budget(3000),
      async () => lab.op.telemetry.slice(telemetryFrom).find((e) => e.event === 'lock_reclaimed'),
    );
    t.ok(reclaimed, 'the agent reclaimed it by itself (lock_reclaimed on the host)');
    const last = (await lab.audit()).filter((a) => a.event === 'lock_reclaimed').at(-1) as {
      actor?: { holder?: string; user?: string };
      previous?: { owner?: { pid?: number }; reason?: string };
    };
    t.equal(
      last?.previous?.owner?.pid,
      writer,
      `the audit log names the dead writer: "${last?.previous?.reason}"`,
    );
    t.equal((await lab.locks()).verdict, 'FREE', 'the lock is free');
    // The writer died with its history entry and state record staged (root's, handed to the agent's user):
    // the agent, sandboxed and unprivileged, removes them after the reclaim.
    const staged = `find /var/lib/aimlock -maxdepth 2 -name '.*.tmp-${writer}-*'`;
    const left = await lab.waitFor(
      'the agent sweeping the dead writer’s staged records',
      lab.budget(3000),
      async () => {
        const found = (await lab.sh(staged)).stdout.trim();
        return found === '' ? found : undefined;
      },
    );
    t.equal(left, '', 'no temporary of the dead writer is left in the state folder or in history');
  },
};
