// The summary `aimlock sim` prints once its drones are up: who is in trouble and how, the keys, and the
// commands to try next.
import type { SimFleet, SimKey } from '../../fleet/sim.js';
import { limitsLine, openFilesLimit } from '../../fleet/sim-limits.js';

export function summary(
  fleet: SimFleet,
  o: { brokerUrl: string; keys: SimKey[]; signWith: string | null; ownDir: boolean; ms: number },
): string {
  const by = (kind: string) => fleet.devices.filter((d) => d.kind === kind);
  const lines = [
    `aimlock sim: ${fleet.devices.length} drones of fleet "${fleet.fleet}" online on ${o.brokerUrl} (started in ${o.ms} ms)`,
    `boards: ${fleet.dir}${o.ownDir ? ' (temporary: removed on exit)' : ''}`,
    limitsLine(fleet.devices.length, by('hot').length, fleet.gcIntervalMs, openFilesLimit()),
  ];
  for (const d of by('ghost')) {
    lines.push(`  ghost   ${d.device}  lock bit left by dead pid ${d.ghostOwnerPid}: reclaimed at boot`);
  }
  for (const d of by('hot')) {
    lines.push(
      `  hot     ${d.device}  foreign flock(1) holder pid ${d.holderPid}: pushes answer lock_mismatch until it is killed`,
    );
  }
  for (const d of by('flaky')) {
    lines.push(`  flaky   ${d.device}  apply hook exits 1: pushes answer rolled_back`);
  }
  const normal = by('normal').map((d) => d.device);
  if (normal.length > 0) lines.push(`  normal  ${compact(normal)}`);
  const landing = fleet.devices.filter((d) => d.landing).map((d) => d.device);
  if (landing.length > 0)
    lines.push(`  landing ${compact(landing)}: a hold is accepted first, done after the landing`);
  if (fleet.responder)
    lines.push('operator commands (hold, resume, locks, reclaim, release --force) are answered');
  lines.push(`trusted keys: ${o.keys.map((k) => k.id).join(', ')}`);
  if (o.signWith) lines.push(`sign pushes with: ${o.signWith}`);
  const first = fleet.devices[0]!;
  lines.push(
    `try: aimlock push CONFIG.json --device ${first.device} --fleet ${fleet.fleet} --broker ${o.brokerUrl} --key ${o.signWith ?? 'KEY'}`,
    `     aimlock locks --settings ${first.settingsFile}`,
    `     aimlock hold --fleet ${fleet.fleet} --all --reason "hold point" --for 90s --broker ${o.brokerUrl} --key ${o.signWith ?? 'KEY'}`,
    'Ctrl-C stops every drone (retained status offline).',
  );
  return lines.join('\n');
}

/** `drone-01 … drone-05` style, or the full list when short. */
function compact(names: string[]): string {
  return names.length <= 8
    ? names.join(', ')
    : `${names.slice(0, 3).join(', ')} … ${names.at(-1)} (${names.length})`;
}
