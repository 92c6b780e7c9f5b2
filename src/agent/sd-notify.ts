// systemd readiness and watchdog (Type=notify). A no-op without NOTIFY_SOCKET, so the agent runs the same by
// hand, in tests and under systemd. Node cannot send unix datagrams itself, so messages go through
// systemd-notify(1); the unit sets NotifyAccess=all for that reason.
import { execFile } from 'node:child_process';

function send(...fields: string[]): Promise<void> {
  if (!process.env.NOTIFY_SOCKET) return Promise.resolve();
  return new Promise((resolve) => {
    try {
      execFile('systemd-notify', fields, { timeout: 2000 }, () => resolve());
    } catch {
      // Thrown, not reported (no memory to fork: ENOMEM): a missed notification, never a crash. A missed
      // watchdog ping is what WatchdogSec= is there to notice.
      resolve();
    }
  });
}

export class SdNotify {
  private timer: NodeJS.Timeout | null = null;

  /** READY=1, then WATCHDOG=1 at half of WatchdogSec (WATCHDOG_USEC) when systemd asks for it. */
  async ready(status: string): Promise<void> {
    await send('--ready', `--status=${status}`);
    const usec = Number(process.env.WATCHDOG_USEC);
    if (Number.isFinite(usec) && usec > 0) {
      this.timer = setInterval(() => void send('WATCHDOG=1'), usec / 2000);
      this.timer.unref();
    }
  }

  status(text: string): Promise<void> {
    return send(`--status=${text}`);
  }

  async stopping(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await send('STOPPING=1');
  }
}
