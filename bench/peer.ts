// The yardstick for push → applied: the smallest program that does what a correct, durable agent must do per
// push, and nothing else. It runs as its own process against the same broker as the agent, so that the bench
// can set the two side by side (latency, CPU per push from /proc/PID/stat).
//
//   node --import @tapjs/typescript/import bench/peer.ts BROKER_URL PREFIX DIR PUBKEY.pem
//
// Per push, in order: parse, verify the ed25519 signature over the RFC 8785 canonical envelope, take
// flock(LOCK_EX|LOCK_NB) and fcntl(F_SETLK, F_WRLCK) on DIR/config.lock, write DIR/config.tmp, fsync it,
// rename it over DIR/config, fsync DIR, release both locks, publish {id, status: "applied"} QoS 1 on
// PREFIX/config/result. What it leaves out (and aimlock does not): schema and limits screening, the lock bit
// and owner record, history, the state record, the durable outbox, the audit log. Prints "ready" once
// subscribed; SIGTERM ends it.
import { createPublicKey, verify } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { C, fcntlLock, flock } from '../src/lock/fs-ext.js';
import { canonicalBytes } from '../src/sign/canonical.js';

if (process.argv.length !== 6) {
  console.error('usage: peer.ts BROKER_URL PREFIX DIR PUBKEY.pem');
  process.exit(2);
}
const [url, prefix, dir, pubFile] = process.argv.slice(2) as [string, string, string, string];
const key = createPublicKey(readFileSync(pubFile));
const lockFd = openSync(join(dir, 'config.lock'), 'a+');
const target = join(dir, 'config');
const tmp = join(dir, 'config.tmp');

async function land(payload: Buffer): Promise<Record<string, unknown>> {
  const doc = JSON.parse(payload.toString()) as Record<string, unknown> & {
    id: string;
    config: unknown;
    signature?: { value?: string };
  };
  const sig = Buffer.from(String(doc.signature?.value ?? ''), 'base64');
  if (!verify(null, canonicalBytes(doc), key, sig)) return { id: doc.id, status: 'rejected' };
  // The bench sends one push at a time and nobody else locks: a busy lock would be a bench bug.
  await flock(lockFd, C.LOCK_EX | C.LOCK_NB);
  try {
    await fcntlLock(lockFd, C.F_WRLCK);
    try {
      const fd = openSync(tmp, 'w', 0o644);
      try {
        writeSync(fd, `${JSON.stringify(doc.config)}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, target);
      const d = openSync(dir, 'r');
      try {
        fsyncSync(d);
      } finally {
        closeSync(d);
      }
    } finally {
      await fcntlLock(lockFd, C.F_UNLCK);
    }
  } finally {
    await flock(lockFd, C.LOCK_UN);
  }
  return { id: doc.id, status: 'applied' };
}

const client = await mqtt.connectAsync(url, { clientId: `peer-${process.pid}`, clean: true });
(client.stream as unknown as { setNoDelay(on: boolean): void }).setNoDelay(true);
// One push at a time, in arrival order, like the agent's landings.
let chain: Promise<unknown> = Promise.resolve();
client.on('message', (_topic, payload) => {
  chain = chain.then(async () => {
    const result = await land(payload);
    await client.publishAsync(`${prefix}/config/result`, JSON.stringify(result), { qos: 1 });
  });
  chain.catch((err: unknown) => {
    console.error(`peer: ${(err as Error).message}`);
    process.exit(1);
  });
});
await client.subscribeAsync(`${prefix}/config/push`, { qos: 1 });
process.on('SIGTERM', () => void client.endAsync(true).then(() => process.exit(0)));
process.stdout.write('ready\n');
