// a. The package installs with apt inside the board (offline: every Depends is already there), and
// `systemctl enable --now aimlockd` brings the agent up through Type=notify readiness: the unit is active with
// Result=success and no restart, readiness came before any start timeout, `aimlock status` on the board and
// the retained status on the host's broker both say online. Also measures Node's start and the agent's
// start-to-ready on the board.
import { basename } from 'node:path';
import { BOARD, settings } from '../lab.js';
import type { Scenario } from './index.js';

export const install: Scenario = {
  id: 'a',
  title: 'apt install, enable --now: active through READY=1, online on the board and the broker',
  async run(t, lab) {
    const deb = `/mnt/lab/${basename(lab.deb)}`;
    const t0 = performance.now();
    // The board has no network: a Depends that is not already installed cannot be fetched, and apt must say
    // it installs this one package and nothing else. (--no-download would say the same, but apt 2.6 then
    // refuses a local .deb: "Pathname to install is not absolute".)
    const inst = await lab.run(['apt-get', 'install', '-y', '-o', 'Acquire::Retries=0', deb], {
      timeoutMs: lab.budget(10_000),
      env: { DEBIAN_FRONTEND: 'noninteractive', PATH: '/usr/sbin:/usr/bin:/sbin:/bin' },
    });
    t.equal(inst.code, 0, `apt-get install ${basename(deb)} exits 0`, { output: inst.stdout + inst.stderr });
    t.match(
      inst.stdout,
      /\b0 upgraded, 1 newly installed, 0 to remove\b/,
      'apt installs the package alone: every Depends was there',
    );
    lab.measure(`apt-get install of the package: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a dpkg-query format, not a JavaScript template
    const status = await lab.run(['dpkg-query', '-W', '-f=${Status} ${Version}', 'aimlock']);
    t.match(status.stdout, /^install ok installed /, 'dpkg says the package is installed');

    const user = await lab.run(['id', '-u', 'aimlock']);
    t.equal(user.code, 0, 'the package made the user aimlock');

    // The board's own settings and the operator's public key (a technician's first step after install).
    await lab.run(['install', '-d', '-m', '0750', '-g', 'aimlock', BOARD.keys]);
    await lab.run([
      'install',
      '-m',
      '0640',
      '-g',
      'aimlock',
      '/mnt/lab/ops-test.pub',
      `${BOARD.keys}/ops-test.pub`,
    ]);
    const put = await lab.run(['sh', '-c', `cat > ${BOARD.settings} && chgrp aimlock ${BOARD.settings}`], {
      input: JSON.stringify(settings(), null, 2),
    });
    t.equal(put.code, 0, 'the lab settings are in place', { output: put.stderr });

    const node = await lab.run(['sh', '-c', 'command -v /opt/aimlock/node/bin/node || command -v node']);
    const nodeBin = node.stdout.trim();
    const cold = (await lab.run([nodeBin, '-e', '0'])).ms ?? 0;
    const warm = await lab.bestOf([nodeBin, '-e', '0']);
    lab.measure(`node -e 0 on the board: ${cold} ms cold, ${warm} ms warm (${nodeBin})`);

    const start = await lab.run(['systemctl', 'enable', '--now', 'aimlockd'], {
      timeoutMs: lab.budget(10_000),
    });
    t.equal(start.code, 0, 'systemctl enable --now aimlockd exits 0', { output: start.stderr });
    const u = await lab.unit([
      'Type',
      'ActiveState',
      'SubState',
      'Result',
      'NRestarts',
      'ExecMainStartTimestampMonotonic',
      'ActiveEnterTimestampMonotonic',
      'TimeoutStartUSec',
    ]);
    t.equal(u.Type, 'notify', 'the unit is Type=notify');
    t.equal(u.ActiveState, 'active', 'the unit is active');
    t.equal(u.SubState, 'running', 'and running');
    t.equal(u.Result, 'success', 'Result=success (not timeout)');
    t.equal(u.NRestarts, '0', 'no restart on the way up');
    const readyMs =
      (Number(u.ActiveEnterTimestampMonotonic) - Number(u.ExecMainStartTimestampMonotonic)) / 1000;
    t.ok(
      readyMs > 0,
      `systemd saw READY=1 ${readyMs.toFixed(0)} ms after the start (TimeoutStartSec ${u.TimeoutStartUSec})`,
    );
    lab.measure(`agent start to ready (systemd, ExecMainStart to active): ${(readyMs / 1000).toFixed(1)} s`);
    const journal = await lab.run(['journalctl', '-u', 'aimlockd', '-b', '-o', 'cat', '--no-pager']);
    t.notMatch(
      journal.stdout,
      /timed out|Watchdog timeout/i,
      'the journal names no start or watchdog timeout',
    );

    const st = await lab.aimlockJson(['status']);
    t.equal(st.code, 0, 'aimlock status exits 0 (the agent answers on its socket)');
    const agent = st.doc.agent as { running?: boolean; state?: string };
    t.equal(agent?.running, true, 'aimlock status: the agent is running');
    t.equal(agent?.state, 'online', 'aimlock status on the board says online');

    const retained = await lab.waitFor(
      'a retained online status on the host broker',
      lab.budget(5000),
      async () => {
        const s = await lab.op.retainedStatus();
        return s?.state === 'online' ? s : undefined;
      },
    );
    t.equal(retained.state, 'online', 'the retained status on the host broker says online');
    t.equal(retained.device, 'drone-07', 'for this device');
  },
};
