// Types of judge.mjs for the TypeScript tests.
import type { LogEntry } from './logwrites.mjs';
export interface Point {
  index: number;
  kind: 'flush' | 'between';
}
export function checkPoints(entries: LogEntry[], between?: number): Point[];
export interface Failure {
  index: number;
  kind: string;
  where: string;
  problems: string[];
}
export interface Counts {
  entries: number;
  flush: number;
  fua: number;
  mark: number;
  flushPoints: number;
  between: number;
  landing: number;
  behind: number;
  tornAudit: number;
  ghosts: number;
  fsck: number;
  /** Points skipped: the same disk state as the point checked before them (no write between, no mark). */
  same: number;
  tornOutbox: number;
}
export function judge(opts: {
  log: string;
  base: string;
  ledger: { actions: Array<{ mark: string; version: number; sha256: string }>; issued: number[] };
  work: string;
  between?: number;
  keep?: Set<number>;
  saveFailures?: (f: Failure, scratch: string, dir: string) => void;
}): { counts: Counts; failures: Failure[]; points: Point[]; ms: number };
