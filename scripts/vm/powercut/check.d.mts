// Types of check.mjs for the TypeScript tests.
export type LiveFile =
  | { missing: true; torn?: undefined; version?: undefined }
  | { torn: string; missing?: undefined; version?: undefined }
  | { version: number; id: string; sha256: string; missing?: undefined; torn?: undefined };
export function readLiveFile(path: string): LiveFile;
export interface Expectation {
  durable: { version: number; sha256?: string | null } | null;
  nextVersion: number;
  issued: Set<number>;
  tornAuditOk?: 'last' | 'any';
}
export function checkState(
  dir: string,
  expect: Expectation,
): { problems: string[]; notes: string[]; live: LiveFile; state: unknown };
