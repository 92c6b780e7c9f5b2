// The options of `aimlock sim` that need more than a string: bounded whole numbers, device lists, and a plan
// the simulator finds impossible, each turned into a usage error that names the option.
import { CliError } from '../../errors.js';
import { SimConfigError } from '../../fleet/sim.js';
import type { Context } from '../command.js';

/** Runs `fn`; a SimConfigError (an impossible plan) becomes a usage error. */
export function usageOnPlanError<T>(fn: () => T): T {
  const wrap = (err: unknown): never => {
    if (err instanceof SimConfigError) throw new CliError('usage', `${err.message}; see aimlock sim --help`);
    throw err;
  };
  try {
    const out = fn();
    return (out instanceof Promise ? out.catch(wrap) : out) as T;
  } catch (err) {
    return wrap(err);
  }
}

/** An optional whole-number option within [min, max]; a usage error names the option otherwise. */
export function integer(ctx: Context, name: string, min: number, max: number): number | undefined {
  const raw = ctx.string(name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new CliError('usage', `--${name} "${raw}" must be a whole number from ${min} to ${max}`);
  }
  return n;
}

export function list(ctx: Context, name: string): string[] | undefined {
  const raw = ctx.string(name);
  if (raw === undefined) return undefined;
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
