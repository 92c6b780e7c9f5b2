// Idle VmRSS of the agent under each set of Node flags given (one set per argument; NAME=value words set the
// agent's environment instead of the unit's Environment=), to choose the unit's flags; latency and CPU cost of
// a set: `npm run bench -- N --node-flags "…"`.
//
//   node --import @tapjs/typescript/import bench/rss-flags.ts "" "--max-semi-space-size=1" …
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { agentBoard } from '../test/helpers/agent.js';
import { startMosquitto } from '../test/helpers/mosquitto.js';
import { spawnAgent, splitFlagSet } from './agent-proc.js';
import { hwmKiB, rssKiB } from './proc.js';

const cleanups: Array<() => void | Promise<void>> = [];
try {
  const broker = await startMosquitto({ teardown: (fn) => cleanups.push(fn) });
  const board = agentBoard(mkdtempSync(join(tmpdir(), 'aimlock-bench-')), broker.url);
  const socketDir = dirname(
    (JSON.parse(readFileSync(board.settingsFile, 'utf8')) as { paths: { socket: string } }).paths.socket,
  );
  cleanups.push(() => {
    rmSync(board.dir, { recursive: true, force: true });
    rmSync(socketDir, { recursive: true, force: true });
  });
  for (const set of process.argv.slice(2)) {
    const { flags, env } = splitFlagSet(set);
    const agent = spawnAgent(board.settingsFile, flags, env);
    await agent.line(/^connected to the MQTT broker/);
    await new Promise((r) => setTimeout(r, 3000)); // idle: past the settle window and a GC look or two
    console.log(
      `${(rssKiB(agent.pid) / 1024).toFixed(1).padStart(6)} MiB VmRSS (VmHWM ${(hwmKiB(agent.pid) / 1024).toFixed(1)})  ${set || '(no flags)'}`,
    );
    await agent.stop();
  }
} finally {
  for (const fn of cleanups.reverse()) await fn();
}
