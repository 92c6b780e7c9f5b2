import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { readHold } from '../src/board/hold.js';
import { agentBoard, envelope, operator, startAgent } from './helpers/agent.js';
import { aimlock, CLI, makeBoard } from './helpers/board.js';
import { startMosquitto } from './helpers/mosquitto.js';
import { straceNode } from './helpers/strace.js';

t.test('readHold: what is not a well-formed hold is a hold until resume, and says why', async (t) => {
  const dir = t.testdir();
  const path = join(dir, 'hold.json');
  const cases: Array<[string, RegExp]> = [
    ['null', /holds null/],
    ['[1]', /holds an array/],
    ['"hold"', /holds string/],
    ['{"since": "x"}', /has no reason/],
    ['{"reason": ', /not JSON/],
  ];
  for (const [text, why] of cases) {
    writeFileSync(path, text);
    const hold = await readHold(path);
    t.ok(hold, `${text}: held`);
    t.equal(hold?.until, null, `${text}: until resume`);
    t.match(hold?.problem, why, `${text}: the problem is named`);
    t.match(hold?.reason, /unreadable hold file/);
  }

  writeFileSync(path, JSON.stringify({ reason: 'engine swap', until: 'tomorrow' }));
  const bad = await readHold(path);
  t.equal(bad?.until, null, 'an unparsable until: held until resume, not "ends at NaN"');
  t.match(bad?.reason, /^engine swap \(its end "tomorrow" is no date; held until aimlock resume\)$/);
  t.match(bad?.problem, /is no date/);

  const future = new Date(Date.now() + 60_000).toISOString();
  writeFileSync(path, JSON.stringify({ reason: 'ok', until: future }));
  t.equal((await readHold(path))?.until, future, 'a good hold is read as written');
  t.notOk((await readHold(path))?.problem);
  writeFileSync(path, JSON.stringify({ reason: 'ok', until: new Date(Date.now() - 1000).toISOString() }));
  t.equal(await readHold(path), null, 'a hold that has ended is no hold');
});

t.test('the agent starts with a hold file holding null, holds, and lands after resume', async (t) => {
  const broker = await startMosquitto(t);
  const board = agentBoard(t.testdir(), broker.url);
  mkdirSync(board.stateDir, { recursive: true });
  writeFileSync(join(board.stateDir, 'hold.json'), 'null\n');
  const agent = await startAgent(t, board); // before: TypeError at start, the agent exited
  await agent.waitLog(/hold file .* cannot be read \(it holds null\)/);
  const op = await operator(t, broker.url);
  const push = envelope(board.op, { version: 1 });
  await op.publish(push);
  t.equal((await op.result(String(push.id), 'deferred')).code, 'hold');
  t.equal((await aimlock(board, ['resume'])).code, 0);
  t.equal((await op.result(String(push.id), 'applied')).code, 'ok');
  t.equal(await agent.stop(), 0);
});

t.test('aimlock resume fsyncs the state directory after removing the hold (strace)', async (t) => {
  const board = makeBoard(t.testdir());
  t.equal((await aimlock(board, ['hold', '--reason', 'test'])).code, 0);
  const trace = join(board.dir, 'strace.out');
  const run = straceNode(trace, 'unlink,unlinkat,open,openat,fsync,fdatasync', [
    CLI,
    'resume',
    '--settings',
    board.settingsFile,
  ]);
  t.equal(run.status, 0, `aimlock resume ran under strace (stderr: ${run.stderr})`);
  const lines = readFileSync(trace, 'utf8').split('\n');
  const hold = join(board.stateDir, 'hold.json');
  // The hold is unlinked by its path, or through its directory's fd (/proc/self/fd/N/hold.json).
  const removed = lines.findIndex(
    (l) => /unlink(at)?\(/.test(l) && (l.includes(`"${hold}"`) || /\/hold\.json"/.test(l)) && / = 0$/.test(l),
  );
  t.ok(removed >= 0, 'the hold file was unlinked');
  const viaFd = /\/proc\/self\/fd\/(\d+)\/hold\.json/.exec(lines[removed] ?? '')?.[1];
  const after = lines.slice(removed + 1);
  const opened = after
    .map((l) => new RegExp(`open(at)?\\(.*"${board.stateDir}", [^)]*\\) = (\\d+)$`).exec(l)?.[2])
    .filter((fd) => fd !== undefined);
  const dirFds = viaFd ? [viaFd, ...opened] : opened;
  const synced = dirFds.some((fd) => after.some((l) => new RegExp(`fsync\\(${fd}\\) += 0`).test(l)));
  t.ok(synced, 'the directory is opened and fsynced after the unlink');
});
