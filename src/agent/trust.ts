// The board's own safety inputs for screening a push: the trusted keys (keys_dir) and the hard limits
// (limits.json). Loaded at start and on SIGHUP, never per push.
//
// INVARIANT: fail closed. When either input cannot be read, the reason is kept and every push that needs it is
// refused with its own code (limits_unreadable, keys_unreadable) until a reload reads it again. Keeping the
// previously loaded limits would be no safer: a technician who tightens a limit and breaks the file would
// silently get the old, looser one.
import type { Logger } from 'pino';
import { LimitsFileError, loadLimits } from '../accept/limits.js';
import { type ScreenContext, type Screened, screenPush } from '../accept/screen.js';
import type { PushEnvelope } from '../schemas/index.js';
import { loadAllCapabilities, loadTrustedKeys } from '../sign/index.js';

type Inputs = Pick<ScreenContext, 'keys' | 'caps' | 'limits' | 'limitsProblem' | 'keysProblem'>;
type Rest = Omit<ScreenContext, keyof Inputs>;

export class TrustInputs {
  /**
   * Each envelope that passed, with the inputs it passed under and its text then. A push is screened when it
   * arrives and may be screened again just before it lands (see unchangedSince).
   */
  private readonly passed = new WeakMap<PushEnvelope, { inputs: Inputs; text: string }>();
  private inputs: Inputs = {
    keys: new Map(),
    caps: new Map(),
    limits: {},
    limitsProblem: 'not loaded yet',
    keysProblem: null,
  };

  constructor(
    private readonly paths: { keysDir: string; limits: string },
    private readonly log: Logger,
  ) {}

  reload(): void {
    const { keys, problems, dirError } = loadTrustedKeys(this.paths.keysDir);
    for (const p of problems) this.log.warn({ keys_dir: this.paths.keysDir }, p);
    if (dirError) this.log.error({ keys_dir: this.paths.keysDir }, `${dirError}; signed pushes are refused`);
    // Beside the keys, from the same directory, at the same moment: a key and what it may sign change together.
    const caps = loadAllCapabilities(this.paths.keysDir, keys.keys());
    for (const c of caps.values()) if (c.problem) this.log.error({ keys_dir: this.paths.keysDir }, c.problem);
    let limits = {};
    let limitsProblem: string | null = null;
    try {
      limits = loadLimits(this.paths.limits);
    } catch (err) {
      if (!(err instanceof LimitsFileError)) throw err;
      limitsProblem = err.message;
      this.log.error({ limits: this.paths.limits }, `${err.message}; every push is refused until then`);
    }
    this.inputs = { keys, caps, limits, limitsProblem, keysProblem: dirError ?? null };
    this.log.info(
      {
        keys: [...keys.keys()],
        caps: Object.fromEntries([...caps].map(([id, c]) => [id, [...c.caps]])),
        limits: this.paths.limits,
      },
      'trusted keys and limits loaded',
    );
  }

  /** The keys and what each may sign, as loaded now (the command screen's half of the inputs). */
  get signing(): Pick<ScreenContext, 'keys' | 'caps' | 'keysProblem'> {
    const { keys, caps, keysProblem } = this.inputs;
    return { keys, caps, keysProblem };
  }

  /** The whole screening of a push against the inputs as loaded now. */
  screen(payload: Buffer, rest: Rest): Screened {
    const screened = screenPush(payload, { ...rest, ...this.inputs });
    if (screened.ok)
      this.passed.set(screened.envelope, { inputs: this.inputs, text: JSON.stringify(screened.envelope) });
    return screened;
  }

  /**
   * This envelope passed screening under the inputs loaded now (no reload since) and is the same text: a second
   * screening before it lands would find nothing new. What it read besides the inputs is checked again where
   * it counts: the applied version and the ids already applied under the lock (applyConfig: `stale_version`,
   * `duplicate`), expiry by the landing pass.
   */
  unchangedSince(envelope: PushEnvelope): boolean {
    const before = this.passed.get(envelope);
    return before?.inputs === this.inputs && before.text === JSON.stringify(envelope);
  }

  /**
   * A push that waited (hold, update window, busy lock) while the inputs were reloaded is screened again before
   * it lands: a key revoked or a limit tightened (SIGHUP) since it arrived must stop it. The same screening, on
   * the envelope as parsed, signature included.
   */
  rescreen(envelope: PushEnvelope, rest: Rest): Screened {
    return screenPush(Buffer.from(JSON.stringify(envelope)), { ...rest, ...this.inputs });
  }
}
