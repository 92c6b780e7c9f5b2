// g. journald: the agent's lines carry journald priorities (CONTRACT §10), so
// `journalctl -u aimlockd -p warning` lists each `lock mismatch: aim_lock_config.conf HOT` (scenario b's
// foreign holder and f's hung writer at least, across boots: the journal is persistent), and
// `journalctl -u aimlockd -o cat | aimlock logs` pretty-prints the agent's log.
import type { Scenario } from './index.js';

const MISMATCH = 'lock mismatch: aim_lock_config.conf HOT';

export const journald: Scenario = {
  id: 'g',
  title: 'journalctl -p warning lists the lock mismatches; journalctl -o cat | aimlock logs works',
  async run(t, lab) {
    const all = await lab.run(['journalctl', '-u', 'aimlockd', '-o', 'cat', '--no-pager']);
    const seen = all.stdout.split('\n').filter((l) => l.includes(MISMATCH)).length;
    t.ok(seen >= 1, `the agent logged "${MISMATCH}" ${seen} times`);
    const warn = await lab.run(['journalctl', '-u', 'aimlockd', '-p', 'warning', '-o', 'cat', '--no-pager']);
    const listed = warn.stdout.split('\n').filter((l) => l.includes(MISMATCH)).length;
    t.equal(listed, seen, `journalctl -p warning lists each of them (${listed} of ${seen})`);
    t.notMatch(all.stdout, /^<\d>/m, 'no line keeps a raw <N> prefix (journald took it as the priority)');
    const info = await lab.run([
      'sh',
      '-c',
      "journalctl -u aimlockd -p warning -o cat --no-pager | grep -c 'aimlockd ready' || true",
    ]);
    t.equal(info.stdout.trim(), '0', 'an info line (aimlockd ready) is not a warning');

    const pretty = await lab.sh('journalctl -u aimlockd -o cat --no-pager | aimlock logs');
    t.equal(pretty.code, 0, 'journalctl -u aimlockd -o cat | aimlock logs exits 0', {
      output: pretty.stderr,
    });
    t.match(pretty.stdout, /aimlockd ready/, 'and shows the agent’s lines');
    t.match(pretty.stdout, new RegExp(MISMATCH), 'the mismatches among them');
  },
};
