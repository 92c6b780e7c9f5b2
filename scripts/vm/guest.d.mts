// Types of guest.mjs for the lane's TypeScript tests (test/vm/).
export interface Hello {
  boot_id: string;
  pid: number;
  uptime_s: number;
}
export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms?: number;
  error?: string;
}
export interface RunOptions {
  input?: string;
  timeoutMs?: number;
  env?: Record<string, string>;
}
export class Guest {
  bootId: string | null;
  hello: Hello | null;
  static connect(path: string, opts: { timeoutMs: number; alive?: () => boolean }): Promise<Guest>;
  waitHello(notBootId: string | null, timeoutMs: number): Promise<Hello>;
  run(cmd: string[], opts?: RunOptions): Promise<RunResult>;
  sh(script: string, opts?: RunOptions): Promise<RunResult>;
  detach(cmd: string[], opts?: { log?: string; env?: Record<string, string> }): Promise<number>;
  close(): void;
}
