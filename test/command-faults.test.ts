// Commands on a sick board, caused for real: the state dir full (ENOSPC on a small tmpfs) so the executed-ids
// record cannot be written — a command that changes the board is refused state_unwritable and nothing is done,
// a read-only one still answers; and an audit log that cannot be written — the hold is in place and says
// it is not audited, never refused after the fact.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { agentBoard, startAgent } from './helpers/agent.js';
import { command, commander } from './helpers/command.js';
import { startMosquitto } from './helpers/mosquitto.js';
import { faultDir, mountsUnavailable, unfill } from './helpers/mounts.js';

t.test('the audit log cannot be written: the hold is done and says it is not audited', async (t) => {
  const broker = await startMosquitto(t);
  const board = agentBoard(t.testdir(), broker.url);
  writeFileSync(join(board.dir, 'keys', 'ops-test.caps'), 'hold\nresume\n');
  const agent = await startAgent(t, board);
  const cmd = await commander(t, broker.url);
  // A directory where the log belongs: every append fails (EISDIR), whoever runs it, root included.
  rmSync(board.audit, { force: true });
  mkdirSync(board.audit);
  const a = await cmd.send(command(board.op, 'hold', { reason: 'audit broken', for: 60 }));
  t.match(a, { status: 'done', code: 'ok' });
  t.match(String(a.detail), /\(not audited on the device: .+\)$/);
  t.ok(existsSync(join(board.stateDir, 'hold.json')), 'the hold is in place');
  await agent.waitLog(/not written to the audit log/);
  t.equal(agent.child.exitCode, null, 'the agent runs on');
  rmSync(board.audit, { recursive: true });
  t.match(await cmd.send(command(board.op, 'resume')), { status: 'done' });
});

t.test('the action itself fails: command_failed, with what to do, and the agent runs on', async (t) => {
  const broker = await startMosquitto(t);
  const board = agentBoard(t.testdir(), broker.url);
  writeFileSync(join(board.dir, 'keys', 'ops-test.caps'), 'hold\nresume\n');
  const agent = await startAgent(t, board);
  const cmd = await commander(t, broker.url);
  // A directory where the hold file belongs: writing the hold (rename over it) fails, for root too.
  mkdirSync(join(board.stateDir, 'hold.json', 'x'), { recursive: true });
  const hold = command(board.op, 'hold', { reason: 'cannot be written', for: 60 });
  const a = await cmd.send(hold);
  t.match(a, { status: 'refused', code: 'command_failed', action: 'hold' });
  t.match(
    String(a.detail),
    /^hold failed on the device: .+; see aimlockd's log, fix, then send it again with a new id$/,
  );
  t.match(
    await cmd.send(hold),
    { status: 'duplicate' },
    'its id was recorded before it ran: a new id is needed',
  );
  t.equal(agent.child.exitCode, null, 'the agent runs on');
  rmSync(join(board.stateDir, 'hold.json'), { recursive: true });
  t.match(await cmd.send(command(board.op, 'hold', { reason: 'fixed', for: 60 })), { status: 'done' });
});

const why = mountsUnavailable();
if (why && process.env.CI) t.fail(`CI must run the file-system fault tests, but: ${why}`);
else if (why) t.comment(`skipped the tmpfs fault test: ${why}`);
else {
  t.test(
    'state dir full: changes refused state_unwritable, reads still answered, then all well',
    async (t) => {
      const fault = faultDir(t);
      const broker = await startMosquitto(t);
      const mount = await fault.tmpfs('var', 1024);
      const board = agentBoard(fault.dir, broker.url);
      writeFileSync(join(board.dir, 'keys', 'ops-test.caps'), 'hold\nresume\nlocks\nstatus\n');
      const agent = await startAgent(t, board);
      const cmd = await commander(t, broker.url);

      const fill = mount.fill();
      const hold = command(board.op, 'hold', { reason: 'disk full', for: 60 });
      const refused = await cmd.send(hold);
      t.match(refused, { status: 'refused', code: 'state_unwritable', action: 'hold' });
      t.match(String(refused.detail), /cannot record command .*ENOSPC.*nothing done/);
      t.notOk(existsSync(join(board.stateDir, 'hold.json')), 'no hold was placed');
      const locks = await cmd.send(command(board.op, 'locks'));
      t.match(locks, { status: 'done', code: 'ok' }, 'a read-only command still answers');
      t.equal((locks.data as Record<string, unknown>).verdict, 'FREE');
      t.equal(agent.child.exitCode, null, 'the agent runs on');

      unfill(fill);
      const again = command(board.op, 'hold', { reason: 'disk has room', for: 60 });
      t.match(await cmd.send(again), { status: 'done', code: 'ok' }, 'with room again the hold is placed');
      const retry = await cmd.send(hold);
      t.match(retry, { status: 'done' }, 'the refused id was not recorded: sending it again runs it');
    },
  );
}
