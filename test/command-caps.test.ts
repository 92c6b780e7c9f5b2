// Key capabilities ({keys_dir}/ID.caps, CONTRACT §9) with the real agent: no file (push only), push only,
// everything, commands only (a push is refused capability_missing), an unknown word and an unreadable file (fail
// closed: the key may sign nothing, pushes included), and a fix picked up by SIGHUP.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { CAPABILITIES, loadCapabilities, parseCapabilities } from '../src/sign/index.js';
import { agentBoard, envelope, operator, startAgent } from './helpers/agent.js';
import { command, commander } from './helpers/command.js';
import { startMosquitto } from './helpers/mosquitto.js';

t.test('parseCapabilities and loadCapabilities', async (t) => {
  t.same(parseCapabilities('# ops\n\npush  \n status # comment\n'), { caps: new Set(['push', 'status']) });
  t.same(parseCapabilities('push\nreboot\n'), {
    problem: `line 2: "reboot" is not a capability (known: ${CAPABILITIES.join(', ')})`,
  });
  t.same(
    parseCapabilities('Push'),
    {
      problem: `line 1: "Push" is not a capability (known: ${CAPABILITIES.join(', ')})`,
    },
    'case matters: no guessing',
  );
  const dir = t.testdir({ 'a.caps': 'hold\n', 'b.caps': { nested: 'x' } });
  t.same(loadCapabilities(dir, 'none'), { caps: new Set(['push']), source: 'default' }, 'no file: push only');
  t.same(loadCapabilities(dir, 'a').caps, new Set(['hold']));
  const b = loadCapabilities(dir, 'b');
  t.same(b.caps, new Set(), 'unreadable: nothing');
  t.match(b.problem, /b\.caps is not a regular file; key b may sign nothing until it is fixed/);
});

t.test('each kind of caps file, as the agent applies it', async (t) => {
  const broker = await startMosquitto(t);
  const board = agentBoard(t.testdir(), broker.url);
  const keys: Record<string, { id: string; key: KeyObject }> = {};
  const addKey = (id: string, caps?: string | 'dir') => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    writeFileSync(join(board.dir, 'keys', `${id}.pub`), publicKey.export({ type: 'spki', format: 'pem' }));
    if (caps === 'dir') mkdirSync(join(board.dir, 'keys', `${id}.caps`));
    else if (caps !== undefined) writeFileSync(join(board.dir, 'keys', `${id}.caps`), caps);
    keys[id] = { id, key: privateKey };
  };
  addKey('k-none');
  addKey('k-push', 'push\n');
  addKey('k-full', `# all of it\n${CAPABILITIES.join('\n')}\n`);
  addKey('k-cmd', 'status\nlocks\n');
  addKey('k-typo', 'push\nrelase_force\n');
  addKey('k-unreadable', 'dir');
  const agent = await startAgent(t, board);
  const cmd = await commander(t, broker.url);
  await cmd.ready(); // the first push below is not retained: the agent must be subscribed first
  const op = await operator(t, broker.url);
  let version = 0;
  const push = async (id: string) => {
    const doc = envelope(keys[id]!, { version: ++version });
    await op.publish(doc);
    return op.result(String(doc.id), /applied|rejected/);
  };

  t.test('no .caps file: push only', async (t) => {
    t.equal((await push('k-none')).code, 'ok', 'pushes as before capabilities existed');
    const a = await cmd.send(command(keys['k-none']!, 'status'));
    t.match(a, { status: 'refused', code: 'capability_missing', key_id: 'k-none' });
    t.match(
      String(a.detail),
      /key k-none lacks the capability "status" \(no k-none\.caps file, so push only\)/,
    );
  });

  t.test('push only', async (t) => {
    t.equal((await push('k-push')).code, 'ok');
    t.match(await cmd.send(command(keys['k-push']!, 'locks')), { code: 'capability_missing' });
  });

  t.test('everything', async (t) => {
    t.equal((await push('k-full')).code, 'ok');
    t.match(await cmd.send(command(keys['k-full']!, 'status')), { status: 'done' });
    t.match(await cmd.send(command(keys['k-full']!, 'locks')), { status: 'done' });
  });

  t.test('commands only: a push is refused capability_missing', async (t) => {
    const r = await push('k-cmd');
    t.match(r, { status: 'rejected', code: 'capability_missing' });
    t.match(String(r.detail), /key k-cmd lacks the capability "push"/);
    t.match(await cmd.send(command(keys['k-cmd']!, 'status')), { status: 'done' });
    t.match(await cmd.send(command(keys['k-cmd']!, 'hold', { reason: 'x', for: 5 })), {
      code: 'capability_missing',
    });
  });

  t.test('an unknown word: fail closed, nothing signed by the key passes', async (t) => {
    const r = await push('k-typo');
    t.match(r, { status: 'rejected', code: 'capability_missing' });
    t.match(String(r.detail), /line 2: "relase_force" is not a capability/);
    const a = await cmd.send(command(keys['k-typo']!, 'status'));
    t.match(a, { code: 'capability_missing' });
    t.match(String(a.detail), /k-typo\.caps is not a caps file/);
  });

  t.test('an unreadable .caps: fail closed', async (t) => {
    const r = await push('k-unreadable');
    t.match(r, { code: 'capability_missing' });
    t.match(String(r.detail), /k-unreadable\.caps is not a regular file/);
    t.match(await cmd.send(command(keys['k-unreadable']!, 'status')), { code: 'capability_missing' });
  });

  t.test('a fixed .caps file counts after SIGHUP, not before', async (t) => {
    writeFileSync(join(board.dir, 'keys', 'k-typo.caps'), 'push\nstatus\n');
    t.match(
      await cmd.send(command(keys['k-typo']!, 'status')),
      { code: 'capability_missing' },
      'loaded once',
    );
    const loaded = () => agent.logs.filter((l) => l.includes('trusted keys and limits loaded')).length;
    const before = loaded();
    agent.child.kill('SIGHUP');
    const deadline = Date.now() + 20_000;
    while (loaded() === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    t.match(await cmd.send(command(keys['k-typo']!, 'status')), { status: 'done' });
    t.equal((await push('k-typo')).code, 'ok');
  });
});
