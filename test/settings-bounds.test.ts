// Lock timings that cannot work are refused when the settings are loaded, with the key and what to do: a
// heartbeat TTL not above the heartbeat (every holder HUNG between two beats), a heartbeat or collector
// interval of a few milliseconds (the owner record rewritten, /proc read, hundreds of times a second). Both the
// agent and the CLI refuse them (settings_invalid, exit 2).
import t, { type Test } from 'tap';
import { CliError } from '../src/errors.js';
import { loadSettings } from '../src/settings/load.js';
import { aimlock, makeBoard } from './helpers/board.js';

function refusal(t: Test, lock: Record<string, unknown>): string {
  const board = makeBoard(t.testdir(), { lock });
  try {
    loadSettings(board.settingsFile);
  } catch (err) {
    t.ok(err instanceof CliError && err.code === 'settings_invalid', 'settings_invalid');
    return (err as Error).message;
  }
  t.fail(`accepted ${JSON.stringify(lock)}`);
  return '';
}

t.test('heartbeat_ttl_ms must be at least twice heartbeat_ms', async (t) => {
  t.match(
    refusal(t, { heartbeat_ms: 1000, heartbeat_ttl_ms: 1000 }),
    /\/lock\/heartbeat_ttl_ms 1000 must be at least twice \/lock\/heartbeat_ms \(1000\).*raise it to 2000/,
  );
  t.match(
    refusal(t, { heartbeat_ms: 1000, heartbeat_ttl_ms: 500 }),
    /heartbeat_ttl_ms 500 must be at least twice/,
  );
  const ok = makeBoard(t.testdir(), { lock: { heartbeat_ms: 1000, heartbeat_ttl_ms: 2000 } });
  t.equal(loadSettings(ok.settingsFile).lock.heartbeat_ttl_ms, 2000, 'twice is enough');
});

t.test('heartbeat_ms and gc_interval_ms have floors', async (t) => {
  t.match(refusal(t, { heartbeat_ms: 1, heartbeat_ttl_ms: 5000 }), /\/lock\/heartbeat_ms must be >= 10/);
  t.match(refusal(t, { gc_interval_ms: 1 }), /\/lock\/gc_interval_ms must be >= 100/);
});

t.test('the CLI refuses them with exit 2', async (t) => {
  const board = makeBoard(t.testdir(), { lock: { heartbeat_ms: 1000, heartbeat_ttl_ms: 1000 } });
  const r = await aimlock(board, ['status']);
  t.equal(r.code, 2);
  t.match(r.stderr, /^aimlock: settings_invalid: .*heartbeat_ttl_ms 1000 must be at least twice/m);
});
