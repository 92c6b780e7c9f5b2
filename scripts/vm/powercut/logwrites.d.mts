// Types of logwrites.mjs for the TypeScript tests.
export const FLAG: { FLUSH: number; FUA: number; DISCARD: number; MARK: number; METADATA: number };
export function flagNames(flags: number): string;
export interface LogEntry {
  index: number;
  sector: number;
  nrSectors: number;
  flags: number;
  mark: string | null;
  dataPos: number;
  dataLen: number;
}
export interface Log {
  path: string;
  sectorSize: number;
  count: number;
  entries(): Generator<LogEntry>;
  close(): void;
}
export function openLog(path: string): Log;
export class Replayer {
  constructor(log: Log, imagePath: string);
  apply(e: LogEntry): void;
  close(): void;
}
