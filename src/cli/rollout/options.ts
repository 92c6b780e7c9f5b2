// The plan options of `aimlock rollout`: what makes up a plan (and so is refused with --resume), the parsing
// of --waves and --max-failure-rate, plan errors told by option, and the default rollout id.
import { randomBytes } from 'node:crypto';
import { CliError } from '../../errors.js';
import type { PlanError } from '../../fleet/rollout/types.js';

/** Options that make up the plan: fixed when the rollout starts, refused with --resume. */
export const PLAN_OPTIONS = [
  'devices',
  'all',
  'canary',
  'waves',
  'max-failure-rate',
  'pause-between',
  'rollback-on-abort',
  'id',
] as const;

/** `10%,50%,100%` (the % is optional) → [10, 50, 100]. */
export function parseWaves(text: string): number[] {
  const items = text.split(',').map((s) => s.trim());
  return items.map((item) => {
    const m = /^(\d+(?:\.\d+)?)%?$/.exec(item);
    if (!m) throw new CliError('usage', `--waves ${text}: "${item}" is not a percent like 25%`);
    return Number(m[1]);
  });
}

/** `0`, `0.1` (a share) or `10%`. */
export function parseRate(text: string): number {
  const pct = /^(\d+(?:\.\d+)?)%$/.exec(text.trim());
  if (pct) return Number(pct[1]) / 100;
  const share = /^(\d+(?:\.\d+)?)$/.exec(text.trim());
  if (share && Number(share[1]) <= 1) return Number(share[1]);
  throw new CliError(
    'usage',
    `--max-failure-rate ${text}: expected a share from 0 to 1 (0.1) or a percent (10%)`,
  );
}

const OPTION_OF: Record<string, string> = {
  id: '--id',
  fleet: '--fleet',
  devices: '--devices',
  canary: '--canary',
  waves: '--waves',
  maxFailureRate: '--max-failure-rate',
};

export function planErrors(errors: PlanError[]): string {
  return errors
    .map((e) => {
      const [, head, ...rest] = e.path.split('/');
      const opt = OPTION_OF[head ?? ''];
      return `  ${opt ?? e.path}${rest.length > 0 ? ` (item ${rest.join('/')})` : ''}: ${e.message}`;
    })
    .join('\n');
}

export function newRolloutId(now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `r-${stamp}-${randomBytes(3).toString('hex')}`;
}
