// What the demo sees through its broker, kept so that a run can be held against the story, and a device's
// final answer read from it.
import type { BrokerMessage } from './demo-broker.js';
import { DemoAborted, type DeviceAnswer, type Doc } from './demo-story.js';

export function answerOf(doc: Doc): DeviceAnswer {
  return {
    id: String(doc.id),
    version: Number(doc.version),
    status: String(doc.status),
    code: String(doc.code),
    detail: String(doc.detail ?? ''),
  };
}

/** What the broker saw: every push, result and telemetry of the fleet, and the devices that went online. */
export class Watch {
  readonly pushes: { device: string; doc: Doc; at: number }[] = [];
  readonly results: { device: string; doc: Doc; at: number }[] = [];
  readonly telemetry: { device: string; doc: Doc; at: number }[] = [];
  readonly online = new Set<string>();
  private waiters: (() => void)[] = [];

  constructor(private readonly fleet: string) {}

  take(m: BrokerMessage): void {
    const parts = m.topic.split('/');
    if (parts[0] !== 'aimlock' || parts[1] !== 'v1' || parts[2] !== this.fleet || m.payload.length === 0)
      return;
    const device = parts[3]!;
    const kind = parts.slice(4).join('/');
    let doc: Doc;
    try {
      doc = JSON.parse(m.payload.toString()) as Doc;
    } catch {
      return;
    }
    const at = Date.now();
    if (kind === 'config/push') this.pushes.push({ device, doc, at });
    else if (kind === 'config/result') this.results.push({ device, doc, at });
    else if (kind === 'telemetry') this.telemetry.push({ device, doc, at });
    else if (kind === 'status') {
      if (doc.state === 'offline') this.online.delete(device);
      else this.online.add(device);
    }
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Resolves with the first truthy `find()`, re-checked on every message; null after `ms`. */
  until<T>(find: () => T | null | undefined | false, ms: number, signal?: AbortSignal): Promise<T | null> {
    return new Promise<T | null>((resolve, reject) => {
      const check = () => {
        if (signal?.aborted) return finish(() => reject(new DemoAborted('interrupted')));
        const found = find();
        if (found !== null && found !== undefined && found !== false) return finish(() => resolve(found));
        this.waiters.push(check);
      };
      const timer = setTimeout(() => finish(() => resolve(null)), ms);
      const onAbort = () => check();
      signal?.addEventListener('abort', onAbort, { once: true });
      const finish = (fn: () => void) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.waiters = this.waiters.filter((w) => w !== check);
        fn();
      };
      check();
    });
  }

  /** The final answer (not deferred) of a device to a push of `rollout`. */
  answer(device: string, rollout: string): DeviceAnswer | null {
    const r = this.results.find(
      (x) => x.device === device && String(x.doc.id).startsWith(`${rollout}:`) && x.doc.status !== 'deferred',
    );
    return r ? answerOf(r.doc) : null;
  }
}
