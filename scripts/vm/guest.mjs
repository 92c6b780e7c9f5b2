// The host's side of the lab driver (driver.py in the guest): JSON lines over QEMU's virtio-serial socket.
// One connection for the whole run; it survives guest reboots (QEMU keeps the socket), and each boot's driver
// greets with a hello carrying the boot id, which is how the host knows a reboot finished.
import { existsSync } from 'node:fs';
import { connect } from 'node:net';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export class Guest {
  #sock;
  #nextId = 1;
  #pending = new Map();
  #helloWaiters = [];
  /** The boot id of the driver's last hello (null before the first). */
  bootId = null;
  hello = null;

  /** Connects to QEMU's control socket (waits for QEMU to create it). `alive()` false gives up early. */
  static async connect(path, { timeoutMs, alive = () => true }) {
    const deadline = Date.now() + timeoutMs;
    while (!existsSync(path)) {
      if (!alive() || Date.now() > deadline) throw new Error(`QEMU made no control socket at ${path}`);
      await sleep(20);
    }
    const sock = await new Promise((resolve, reject) => {
      const s = connect(path, () => resolve(s));
      s.once('error', reject);
    });
    return new Guest(sock);
  }

  constructor(sock) {
    this.#sock = sock;
    let buf = '';
    sock.setEncoding('utf8');
    sock.on('data', (d) => {
      buf += d;
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (line.trim()) this.#receive(line);
      }
    });
    sock.on('close', () => this.#failAll(new Error('the control socket closed (QEMU gone)')));
  }

  #receive(line) {
    let msg;
    try {
      msg = JSON.parse(line);
    } catch {
      return; // a partial line left from a previous boot's driver
    }
    if (msg.hello) {
      // A new driver (another boot, or a restarted driver): what the previous one was running is gone with it.
      const prev = this.hello;
      if (prev && (prev.boot_id !== msg.hello.boot_id || prev.pid !== msg.hello.pid))
        this.#failAll(new Error(`the guest driver restarted (boot ${msg.hello.boot_id})`));
      this.bootId = msg.hello.boot_id;
      this.hello = msg.hello;
      for (const w of this.#helloWaiters.splice(0)) w(msg.hello);
      return;
    }
    const p = this.#pending.get(msg.id);
    if (!p) return;
    this.#pending.delete(msg.id);
    clearTimeout(p.timer);
    if (msg.error && msg.code === undefined) p.reject(new Error(`${p.what}: ${msg.error}`));
    else p.resolve(msg);
  }

  #failAll(err) {
    for (const [id, p] of this.#pending) {
      clearTimeout(p.timer);
      p.reject(new Error(`${p.what}: ${err.message}`));
      this.#pending.delete(id);
    }
  }

  /** Resolves with the next hello whose boot id is not `notBootId` (any hello when null). */
  waitHello(notBootId, timeoutMs) {
    if (this.hello && this.bootId !== notBootId) return Promise.resolve(this.hello);
    // Ask for one too: a driver that greeted before this side listened is not lost.
    this.#sock.write('{"hello": true}\n');
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the guest driver did not greet within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const waiter = (h) => {
        if (h.boot_id === notBootId) {
          this.#helloWaiters.push(waiter); // the old boot answering the poke: keep waiting
          return;
        }
        clearTimeout(timer);
        resolve(h);
      };
      this.#helloWaiters.push(waiter);
    });
  }

  #request(req, timeoutMs, what) {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      // The host's deadline is a little past the guest's own (which answers with "timeout" and the output).
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`${what}: no answer from the guest within ${timeoutMs} ms`));
      }, timeoutMs + 5000);
      this.#pending.set(id, { resolve, reject, timer, what });
      this.#sock.write(`${JSON.stringify({ id, ...req })}\n`);
    });
  }

  /**
   * Runs argv in the guest (as root) and returns { code, stdout, stderr, ms }; code is null on the guest's
   * timeout (then `error` says so). Never throws for a non-zero exit: the caller asserts on it.
   */
  run(cmd, { input, timeoutMs = 60_000, env } = {}) {
    const what = `guest: ${cmd.join(' ').slice(0, 120)}`;
    return this.#request({ cmd, input, timeout: timeoutMs / 1000, env }, timeoutMs, what);
  }

  /** A shell script in the guest (sh -c). */
  sh(script, opts) {
    return this.run(['sh', '-c', script], opts);
  }

  /** Starts argv in the guest in its own session and returns its pid at once (output to `log`). */
  async detach(cmd, { log = '/dev/null', env } = {}) {
    const r = await this.#request({ cmd, detach: true, log, env }, 30_000, `guest: detach ${cmd[0]}`);
    return r.pid;
  }

  close() {
    this.#sock.destroy();
  }
}
