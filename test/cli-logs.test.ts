// `aimlock logs` turns the agent's JSON lines into one readable line each; the mismatch line stands out.
import t from 'tap';
import { aimlock } from './helpers/board.js';

t.test('pretty-prints pino lines, passes other lines through, marks mismatches', async (t) => {
  const lines = [
    JSON.stringify({
      level: 30,
      time: Date.UTC(2026, 10, 24, 3, 12, 0),
      device: 'drone-07',
      msg: 'push accepted as desired state',
      id: 'abc',
      version: 42,
    }),
    JSON.stringify({
      level: 40,
      time: Date.UTC(2026, 10, 24, 3, 12, 1),
      device: 'drone-07',
      msg: 'lock mismatch: aim_lock_config.conf HOT',
      lock: { verdict: 'UNOWNED' },
    }),
    'plain text line',
  ];
  const plain = await aimlock(null, ['logs'], { input: `${lines.join('\n')}\n` });
  t.equal(plain.code, 0);
  const out = plain.stdout.trim().split('\n');
  t.equal(out[0], '03:12:00.000 INFO  drone-07 push accepted as desired state id=abc version=42');
  t.match(
    out[1],
    /^03:12:01.000 WARN {2}drone-07 !! lock mismatch: aim_lock_config.conf HOT !! lock=\{"verdict":"UNOWNED"\}$/,
  );
  t.equal(out[2], 'plain text line');
  t.notOk(plain.stdout.includes('\u001b['), 'no colour when stdout is not a terminal');
});
