// The VM lane (`npm run test:vm`, README "The VM lane"): the aimlock package on an emulated arm64 board with
// systemd as PID 1. One boot runs every scenario in order (a reboot only where one needs it); each asserts from
// the host what the board did: systemd's own records (Result, NRestarts, the journal), the files, and what the
// agent published to the host's Mosquitto. Each scenario's wall time is printed as a `# measure:` line.
import t from 'tap';
import { Lab } from './lab.js';
import { SCENARIOS } from './scenarios/index.js';

const only = (process.env.AIMLOCK_VM_ONLY ?? '').split(',').filter(Boolean);
const chosen = SCENARIOS.filter((s) => only.length === 0 || only.includes(s.id) || s.id === 'a');

let lab: Lab | null = null;
await t.test('the board boots to multi-user with systemd as PID 1', async (bt) => {
  // The lab belongs to the whole file (its teardown kills QEMU and the broker at the very end).
  lab = await Lab.start(t);
  const pid1 = await lab.run(['cat', '/proc/1/comm']);
  bt.equal(pid1.stdout.trim(), 'systemd', 'PID 1 is systemd');
  const arch = await lab.run(['uname', '-m']);
  bt.equal(arch.stdout.trim(), 'aarch64', 'the board is arm64');
});

for (const s of chosen) {
  await t.test(`${s.id}. ${s.title}`, { skip: lab ? false : 'the board did not boot' }, async (st) => {
    const board = lab!;
    const t0 = performance.now();
    const since = Math.floor(Date.now() / 1000) - 1;
    const ms = await board.calibrate();
    st.comment(
      `speed before ${s.id}: python3 -c pass ${ms.toFixed(0)} ms on the board (x${board.speed.toFixed(1)})`,
    );
    try {
      await s.run(st, board);
    } finally {
      board.measure(`scenario ${s.id}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      // A failed scenario leaves the board's side of the story in the TAP: its journal and the kernel's.
      if (!st.passing()) {
        const j = await board.sh(
          `journalctl -b --no-pager -o short-monotonic --since=@${since} | tail -n 80; dmesg | tail -n 15`,
        );
        st.comment(`the board's journal and kernel log during ${s.id}:\n${j.stdout}${j.stderr}`);
      }
    }
  });
}
