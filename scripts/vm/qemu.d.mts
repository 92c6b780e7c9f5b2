// Types of qemu.mjs for the lane's TypeScript tests (test/vm/).
export interface Image {
  kernel: string;
  initrd: string;
  rootfs: string;
}
export const BROKER_IN_GUEST: { host: string; port: number };
export interface QemuOptions {
  image: Image;
  rootfs: string;
  dir: string;
  brokerPort: number;
  cpus?: number;
  memMiB?: number;
  drives?: Array<{ file: string; cache?: string }>;
  cmdline?: string;
}
export function qemuArgs(opts: QemuOptions): string[];
export interface Qemu {
  pid: number;
  exited: Promise<{ code: number | null; signal: string | null; error?: string }>;
  kill(): Promise<void>;
}
export function startQemu(opts: QemuOptions): Qemu;
export function qemuTail(dir: string, lines?: number): string;
