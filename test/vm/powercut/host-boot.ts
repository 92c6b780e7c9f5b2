// "At start the agent reads the lock as FREE or a reclaimable STALE, recovers, and lands the desired push",
// for a sample of replayed crash states, on the host: the state directory copied into a temporary board, the
// x86-64 agent (the same code the board runs) started on it against the run's Mosquitto, a new desired push
// published. Cheaper than a guest boot per state, and the verdict logic is the same code either way.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Test } from 'tap';
import { readLiveFile } from '../../../scripts/vm/powercut/check.mjs';
import { agentBoard, envelope, operator, startAgent } from '../../helpers/agent.js';
import { aimlock, configWith } from '../../helpers/board.js';

/** Returns the problems found (none: the agent recovered the state and landed the push). */
export async function bootOnHost(t: Test, state: string, brokerUrl: string, n: number): Promise<string[]> {
  const problems: string[] = [];
  const device = `pc-${n}`;
  const board = agentBoard(join(t.testdir(), 'board'), brokerUrl, { device });
  // The dumped tree keeps the guest's owners (the board's aimlock user); here root runs the agent.
  const cp = spawnSync('sh', ['-c', `cp -a "$1/." "$2" && chown -R 0:0 "$2"`, 'cp', state, board.stateDir]);
  if (cp.status !== 0) return [`could not copy the state: ${cp.stderr}`];
  const locks = await aimlock(board, ['locks', '--json']);
  let verdict = '?';
  try {
    verdict = String((JSON.parse(locks.stdout) as { verdict: string }).verdict);
  } catch {
    problems.push(`aimlock locks printed no JSON (exit ${locks.code}): ${locks.stderr.slice(0, 300)}`);
  }
  if (!['FREE', 'STALE'].includes(verdict))
    problems.push(`at start the lock reads ${verdict}, not FREE or STALE`);
  const op = await operator(t, brokerUrl, device, true);
  const version = 10_000_000 + n;
  const doc = envelope(board.op, { device, version, config: configWith((c) => (c.aim.sensitivity = 0.44)) });
  await op.publish(doc, { retain: true });
  const agent = await startAgent(t, board).catch((err: Error) => {
    problems.push(`the agent did not start on this state: ${err.message.slice(0, 400)}`);
    return null;
  });
  if (!agent) return problems;
  try {
    // A crash between a technician's `release --force` (which holds the agent) and `aimlock resume` leaves the
    // hold in force: the agent must keep it (defer), and land the push once the technician resumes.
    if (existsSync(join(state, 'hold.json'))) {
      await op.result(String(doc.id), 'deferred', 60_000);
      const resume = await aimlock(board, ['resume']);
      if (resume.code !== 0)
        problems.push(`aimlock resume exited ${resume.code}: ${resume.stderr.slice(0, 300)}`);
    }
    await op.result(String(doc.id), 'applied', 60_000);
  } catch (err) {
    problems.push(`the desired push did not land: ${(err as Error).message.slice(0, 400)}`);
  }
  await agent.stop();
  const live = readLiveFile(board.config);
  if (live.version !== version) problems.push(`the live config is ${JSON.stringify(live)}, not v${version}`);
  return problems;
}
