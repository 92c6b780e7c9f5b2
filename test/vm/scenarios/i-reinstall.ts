// i. `apt remove`, then reinstalling the package: the board's state survives (CONTRACT §2: /var/lib/aimlock
// is the agent's, not the package's): the applied version, its sha256 and the history are the same after.
import { basename } from 'node:path';
import type { Scenario } from './index.js';

const APT_ENV = { DEBIAN_FRONTEND: 'noninteractive', PATH: '/usr/sbin:/usr/bin:/sbin:/bin' };

export const reinstall: Scenario = {
  id: 'i',
  title: 'apt remove, reinstall: the applied version and history are still there',
  async run(t, lab) {
    // Settle first: a desired push an earlier scenario left waiting (a lock mismatch it never cleared) would
    // land when the reinstalled agent starts and change the version under the comparison.
    const settle = await lab.push();
    await lab.op.result(settle.id, 'applied', lab.budget(1500));
    const st0 = (await lab.aimlockJson(['status'])).doc.applied as { version: number; sha256: string };
    const hist0 = (await lab.aimlockJson(['history'])).doc;
    t.ok(st0?.version > 0, `applied version ${st0?.version} before`);

    const rm = await lab.run(['apt-get', 'remove', '-y', 'aimlock'], {
      timeoutMs: lab.budget(10_000),
      env: APT_ENV,
    });
    t.equal(rm.code, 0, 'apt-get remove aimlock exits 0', { output: rm.stdout + rm.stderr });
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a dpkg-query format, not a JavaScript template
    const dpkg = await lab.run(['dpkg-query', '-W', '-f=${db:Status-Abbrev}', 'aimlock']);
    t.match(dpkg.stdout, /^rc/, 'removed, its conffiles kept (rc)');
    t.not((await lab.unit(['ActiveState'])).ActiveState, 'active', 'the agent is not running');
    const gone = await lab.run(['sh', '-c', 'command -v aimlock']);
    t.not(gone.code, 0, 'aimlock is no longer on the PATH');

    const deb = `/mnt/lab/${basename(lab.deb)}`;
    const inst = await lab.run(['apt-get', 'install', '-y', '-o', 'Acquire::Retries=0', deb], {
      timeoutMs: lab.budget(10_000),
      env: APT_ENV,
    });
    t.equal(inst.code, 0, 'reinstalling exits 0', { output: inst.stdout + inst.stderr });
    const up = await lab.run(['systemctl', 'enable', '--now', 'aimlockd'], { timeoutMs: lab.budget(10_000) });
    t.equal(up.code, 0, 'systemctl enable --now aimlockd exits 0');
    const st1 = (await lab.aimlockJson(['status'])).doc.applied as { version: number; sha256: string };
    t.equal(st1?.version, st0.version, 'the applied version is the same');
    t.equal(st1?.sha256, st0.sha256, 'with the same sha256');
    t.same((await lab.aimlockJson(['history'])).doc, hist0, 'the history is the same');
    const p = await lab.push();
    await lab.op.result(p.id, 'applied', lab.budget(1500));
    t.pass('and the reinstalled agent lands a push');
  },
};
