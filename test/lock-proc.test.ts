import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import {
  bootId,
  devMajorMinor,
  INITIAL_PID_NS,
  parseProcLocks,
  parseStat,
  pidNamespace,
  processFacts,
  readKernelHolders,
  selfStart,
  visibility,
} from '../src/lock/proc.js';

const tmp = mkdtempSync(join(tmpdir(), 'aimlock-proc-'));
t.teardown(() => rmSync(tmp, { recursive: true, force: true }));

// ---------------------------------------------------------------------------------------------------------
// parseProcLocks: pure

const SAMPLE = [
  '1: POSIX  ADVISORY  WRITE 3735 fe:00:2146490 0 EOF',
  '2: FLOCK  ADVISORY  WRITE 3734 fe:00:2146489 0 EOF',
  '2: -> FLOCK  ADVISORY  WRITE 3779 fe:00:2146489 0 EOF',
  '3: POSIX  ADVISORY  READ 3800 fe:00:2146489 0 EOF',
  '3:  -> POSIX  ADVISORY  WRITE 3801 fe:00:2146489 0 EOF',
  '4: OFDLCK ADVISORY  WRITE -1 fe:00:2146489 0 EOF',
  '5: FLOCK  ADVISORY  WRITE 0 fe:00:2146489 0 EOF',
  '6: POSIX  ADVISORY  WRITE 77 103:1a:2146489 0 EOF', // other device (major 0x103=259, minor 0x1a=26)
  '7: POSIX  ADVISORY  WRITE 78 254:00:2146489 0 EOF', // decimal-looking "254" is hex 0x254: not our device
  '8: LEASE  ACTIVE    READ 90 fe:00:2146489 0 EOF',
  '9: DELEG  ACTIVE    READ 91 fe:00:2146489 0 EOF',
  '10: LEASE  BREAKING  UNLCK 92 fe:00:2146489 0 EOF',
  '11: POSIX  MANDATORY WRITE 93 fe:00:2146489 0 EOF',
  '12: ACCESS ADVISORY  READ 94 fe:00:2146489 0 EOF',
  '13: POSIX  ADVISORY  RW 95 fe:00:2146489 0 EOF',
  '14: UNKNOWN UNKNOWN  WRITE 96 fe:00:2146489 0 EOF',
  '15: FLOCK  ADVISORY  WRITE 97 <none>:0 0 EOF',
  '16: POSIX  ADVISORY  WRITE -42 fe:00:2146489 0 EOF', // remote (lockd)
  'garbage line',
  '',
].join('\n');

t.test('parseProcLocks picks the lines of one file, hex major:minor, waiters, OFD, pid 0', async (t) => {
  const hs = parseProcLocks(SAMPLE, { major: 0xfe, minor: 0 }, 2146489);
  const brief = hs.map((h) => `${h.kind} ${h.mode} ${h.pid}${h.blocked ? ' blocked' : ''}`);
  t.same(brief, [
    'FLOCK WRITE 3734',
    'FLOCK WRITE 3779 blocked',
    'POSIX READ 3800',
    'POSIX WRITE 3801 blocked',
    'OFDLCK WRITE -1',
    'FLOCK WRITE 0',
    'LEASE READ 90',
    'DELEG READ 91',
    'LEASE READ 92',
    'POSIX WRITE 93',
    'ACCESS READ 94',
    'POSIX WRITE 95',
    'POSIX WRITE -42',
  ]);
  t.same(parseProcLocks(SAMPLE, { major: 0xfe, minor: 0 }, 2146490), [
    { kind: 'POSIX', mode: 'WRITE', pid: 3735, blocked: false },
  ]);
  t.same(
    parseProcLocks(SAMPLE, { major: 259, minor: 26 }, 2146489).map((h) => h.pid),
    [77],
    'hex 103:1a is 259:26',
  );
  t.same(
    parseProcLocks(SAMPLE, { major: 0x254, minor: 0 }, 2146489).map((h) => h.pid),
    [78],
  );
  t.same(parseProcLocks(SAMPLE, { major: 254, minor: 1 }, 2146489), [], 'other minor: nothing');
  t.same(parseProcLocks('', { major: 254, minor: 0 }, 1), []);
});

t.test('parseProcLocks: a line repeated by a read that straddled a change is one holder', async (t) => {
  const text = [
    '1: FLOCK  ADVISORY  WRITE 2201 fe:00:7 0 EOF',
    '2: POSIX  ADVISORY  WRITE 2203 fe:00:7 0 EOF',
    '2: FLOCK  ADVISORY  WRITE 2201 fe:00:7 0 EOF', // the next page began one line early
    '3: -> FLOCK  ADVISORY  WRITE 2244 fe:00:7 0 EOF',
  ].join('\n');
  t.same(
    parseProcLocks(text, { major: 0xfe, minor: 0 }, 7).map(
      (h) => `${h.kind} ${h.pid}${h.blocked ? ' blocked' : ''}`,
    ),
    ['FLOCK 2201', 'POSIX 2203', 'FLOCK 2244 blocked'],
  );
});

t.test('parseProcLocks: in a table of thousands, only the lines naming the inode count', async (t) => {
  // A simulator landing a thousand boards lists thousands of locks; the inode's digits also appear as pids, as
  // the tail of longer inodes, as a range start, and the file's own line is the last one without a newline.
  const lines: string[] = [];
  for (let i = 1; i <= 5000; i++)
    lines.push(`${i}: FLOCK  ADVISORY  WRITE ${1000 + i} fe:00:${500000 + i} 0 EOF`);
  lines.push('5001: POSIX  ADVISORY  WRITE 4242 fe:00:14242 0 EOF'); // longer inode ending in the digits
  lines.push('5002: POSIX  ADVISORY  WRITE 4242 fe:00:42420 0 EOF'); // longer inode starting with them
  lines.push('5003: POSIX  ADVISORY  WRITE 4242 fe:00:9 4242 EOF'); // range start
  lines.push('5004: POSIX  ADVISORY  WRITE 4242 fe:01:4242 0 EOF'); // same inode, other device
  lines.push('5005: -> FLOCK  ADVISORY  WRITE 77 fe:00:4242 0 EOF');
  lines.push('5006: FLOCK  ADVISORY  WRITE 76 fe:00:4242 0 EOF');
  t.same(
    parseProcLocks(lines.join('\n'), { major: 0xfe, minor: 0 }, 4242).map(
      (h) => `${h.pid}${h.blocked ? ' blocked' : ''}`,
    ),
    ['77 blocked', '76'],
  );
});

t.test('parseProcLocks: inode numbers above 2^53 compare exactly', async (t) => {
  const text = '1: FLOCK  ADVISORY  WRITE 5 08:01:18446744073709551615 0 EOF\n';
  t.equal(parseProcLocks(text, { major: 8, minor: 1 }, 18446744073709551615n).length, 1);
  t.equal(parseProcLocks(text, { major: 8, minor: 1 }, 18446744073709551614n).length, 0);
});

t.test('devMajorMinor decodes the glibc dev_t encoding, including big numbers', async (t) => {
  t.same(devMajorMinor(0xfe00), { major: 254, minor: 0 });
  t.same(devMajorMinor(0x801), { major: 8, minor: 1 });
  const enc = (ma: bigint, mi: bigint) =>
    ((ma & 0xfffn) << 8n) | ((ma & ~0xfffn) << 32n) | (mi & 0xffn) | ((mi & ~0xffn) << 12n);
  t.same(devMajorMinor(enc(259n, 300000n)), { major: 259, minor: 300000 });
  t.same(devMajorMinor(enc(0x12345n, 0xabcdefn)), { major: 0x12345, minor: 0xabcdef });
  // the real file, against stat(1)'s major/minor of st_dev (%Hd %Ld, decimal)
  const f = join(tmp, 'dev-probe');
  writeFileSync(f, '');
  const [maj, min] = execFileSync('stat', ['-c', '%Hd %Ld', f], { encoding: 'utf8' }).trim().split(' ');
  t.same(devMajorMinor(statSync(f, { bigint: true }).dev), {
    major: Number(maj),
    minor: Number(min),
  });
});

t.test('parseStat reads after the last ")" (comm may hold spaces and parentheses)', async (t) => {
  const rest = Array.from({ length: 50 }, (_, i) => String(i + 4)).join(' '); // fields 4..53
  t.same(parseStat(`1234 (a) b (c) R ${rest}\n`), { state: 'R', start: 22 });
  t.same(parseStat(`7 (x) Z ${rest}`), { state: 'Z', start: 22 });
  t.equal(parseStat('nonsense'), null);
});

// ---------------------------------------------------------------------------------------------------------
// The real kernel

const children: ChildProcess[] = [];
t.teardown(() => {
  for (const c of children) {
    // our own children, each in its own process group (detached): the group takes flock's `sleep` with it
    if (c.pid && c.exitCode === null && c.signalCode === null) {
      try {
        process.kill(-c.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
});

function start(cmd: string, args: string[]): ChildProcess {
  const c = spawn(cmd, args, { detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(c);
  return c;
}

function firstLine(c: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    c.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve(buf.slice(0, nl).trim());
    });
    c.once('exit', (code) => reject(new Error(`child exited (${code}) before printing`)));
  });
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

const exited = (c: ChildProcess) =>
  c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise((r) => c.once('exit', r));

const PY_LOCKF = `
import fcntl, os, sys, time
f = open(sys.argv[1], 'r+')
fcntl.lockf(f, fcntl.LOCK_EX)
print(os.getpid(), flush=True)
time.sleep(30)
`;

interface LslocksRow {
  command: string;
  pid: number;
  type: string;
  mode: string;
  path: string | null;
}

t.test('readKernelHolders sees flock(1) and python lockf holders; lslocks agrees', async (t) => {
  const file = join(tmp, 'aim.lock');
  writeFileSync(file, '');
  t.same(await readKernelHolders(file), [], 'nobody holds it yet');
  t.same(await readKernelHolders(join(tmp, 'absent.lock')), [], 'absent file: no holders');

  const fl = start('flock', ['-x', file, 'sleep', '30']);
  const py = start('python3', ['-c', PY_LOCKF, file]);
  const pyPid = Number(await firstLine(py));
  t.ok(pyPid > 0, `python holder pid ${pyPid}`);
  const seen = await until('both kernel locks in /proc/locks', async () => {
    const hs = await readKernelHolders(file);
    return hs.some((h) => h.kind === 'FLOCK') && hs.some((h) => h.kind === 'POSIX') ? hs : undefined;
  });
  // a blocked flock waiter
  const waiter = start('flock', ['-x', file, 'true']);
  const hs = await until('the waiter', async () => {
    const hs = await readKernelHolders(file);
    return hs.some((h) => h.blocked) ? hs : undefined;
  });
  t.ok(seen.length >= 2);

  const pyComm = readFileSync(`/proc/${pyPid}/comm`, 'utf8').trim();
  const holders = hs.filter((h) => !h.blocked);
  t.same(
    holders.map((h) => ({ ...h })).sort((a, b) => a.kind.localeCompare(b.kind)),
    [
      { kind: 'FLOCK', mode: 'WRITE', pid: fl.pid, command: 'flock', blocked: false },
      { kind: 'POSIX', mode: 'WRITE', pid: pyPid, command: pyComm, blocked: false },
    ],
  );
  t.match(pyComm, /^python/);
  t.same(
    hs.filter((h) => h.blocked),
    [{ kind: 'FLOCK', mode: 'WRITE', pid: waiter.pid, command: 'flock', blocked: true }],
  );

  // lslocks is a peer: where it can name the path, it must agree on who holds what
  let ls: LslocksRow[] | null = null;
  try {
    const out = execFileSync('lslocks', ['--json', '-o', 'COMMAND,PID,TYPE,MODE,PATH'], { encoding: 'utf8' });
    ls = (JSON.parse(out) as { locks: LslocksRow[] }).locks;
  } catch (e) {
    t.comment(`lslocks unavailable, comparison skipped: ${String(e)}`);
  }
  if (ls) {
    const norm = (xs: { pid: number; kind: string; mode: string; command?: string; blocked: boolean }[]) =>
      // A set: lslocks reads /proc/locks a page at a time too, and may list a line twice (see parseProcLocks).
      [...new Set(xs.map((x) => `${x.kind} ${x.mode} ${x.pid} ${x.command} ${x.blocked}`))].sort();
    const theirs = ls
      .filter((r) => r.path === file)
      .map((r) => ({
        pid: Number(r.pid),
        kind: r.type,
        mode: r.mode.replace(/\*$/, ''),
        command: r.command,
        blocked: r.mode.endsWith('*'),
      }));
    t.ok(theirs.length >= 2, 'lslocks names the path for the holders');
    t.same(norm(theirs), norm(hs.filter((h) => theirs.some((r) => r.pid === h.pid))));
    t.ok(
      holders.every((h) => theirs.some((r) => r.pid === h.pid && r.kind === h.kind && !r.blocked)),
      'every holder we see, lslocks sees',
    );
  }

  // release: the locks go with their processes
  for (const c of [fl, py, waiter]) {
    try {
      process.kill(-(c.pid ?? 0), 'SIGKILL');
    } catch {}
  }
  await Promise.all([fl, py, waiter].map(exited));
  await until('the locks to go', async () =>
    (await readKernelHolders(file)).length === 0 ? true : undefined,
  );
});

t.test(
  'readKernelHolders with a fake /proc: command from comm, unreadable /proc/locks is an error',
  async (t) => {
    const file = join(tmp, 'fake.lock');
    writeFileSync(file, '');
    const st = statSync(file, { bigint: true });
    const { major, minor } = devMajorMinor(st.dev);
    const dev = `${major.toString(16).padStart(2, '0')}:${minor.toString(16).padStart(2, '0')}:${st.ino}`;
    const root = join(tmp, 'fakeproc-locks');
    mkdirSync(join(root, '4242'), { recursive: true });
    writeFileSync(join(root, '4242', 'comm'), 'aimlockd\n');
    writeFileSync(
      join(root, 'locks'),
      `1: FLOCK  ADVISORY  WRITE 4242 ${dev} 0 EOF\n2: POSIX  ADVISORY  WRITE 4243 ${dev} 0 EOF\n3: POSIX  ADVISORY  WRITE 0 ${dev} 0 EOF\n`,
    );
    t.same(await readKernelHolders(file, root), [
      { kind: 'FLOCK', mode: 'WRITE', pid: 4242, blocked: false, command: 'aimlockd' },
      { kind: 'POSIX', mode: 'WRITE', pid: 4243, blocked: false },
      { kind: 'POSIX', mode: 'WRITE', pid: 0, blocked: false },
    ]);
    await t.rejects(readKernelHolders(file, join(tmp, 'no-such-proc')), { code: 'ENOENT' });
  },
);

t.test('processFacts: self alive with field 22, killed child dead, zombie dead', async (t) => {
  const self = await processFacts(process.pid);
  const field22 = Number(
    execFileSync(
      'python3',
      ['-c', `print(open('/proc/${process.pid}/stat').read().rsplit(')', 1)[1].split()[19])`],
      {
        encoding: 'utf8',
      },
    ).trim(),
  );
  t.same(self, { alive: true, start: field22 });
  t.equal(selfStart(), field22);

  const c = start('sleep', ['30']);
  const facts = await until('child visible', async () => {
    const f = await processFacts(c.pid ?? 0);
    return f.alive ? f : undefined;
  });
  t.ok(facts.start !== null && facts.start >= field22, 'child started after us');
  process.kill(c.pid ?? 0, 'SIGKILL');
  await exited(c);
  t.same(await processFacts(c.pid ?? 0), { alive: false, start: null }, 'killed and reaped: dead');

  const z = start('python3', [
    '-c',
    'import os, time\np = os.fork()\nif p == 0:\n    os._exit(0)\nprint(p, flush=True)\ntime.sleep(30)',
  ]);
  const zpid = Number(await firstLine(z));
  await until('zombie', async () =>
    readFileSync(`/proc/${zpid}/stat`, 'utf8').includes(') Z ') ? true : undefined,
  );
  t.same(await processFacts(zpid), { alive: false, start: null }, 'a zombie holds no locks: dead');

  t.same(await processFacts(0), { alive: false, start: null });
  t.same(await processFacts(-1), { alive: false, start: null });
});

t.test('processFacts with a fake /proc: comm with ") (", unreadable stat is "cannot tell"', async (t) => {
  const root = join(tmp, 'fakeproc-stat');
  const rest = Array.from({ length: 50 }, (_, i) => String(i + 4)).join(' ');
  mkdirSync(join(root, '10'), { recursive: true });
  writeFileSync(join(root, '10', 'stat'), `10 (evil) S (name) S ${rest}\n`);
  mkdirSync(join(root, '11', 'stat'), { recursive: true }); // EISDIR: unreadable, not absent
  t.same(await processFacts(10, root), { alive: true, start: 22 });
  t.same(await processFacts(11, root), { alive: true, start: null });
  t.same(await processFacts(12, root), { alive: false, start: null });
});

t.test('bootId and pidNamespace', async (t) => {
  t.match(bootId(), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  t.equal(bootId(), readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim());
  t.equal(pidNamespace('self'), readlinkSync('/proc/self/ns/pid'));
  t.match(pidNamespace(process.pid), /^pid:\[\d+\]$/);
  t.equal(pidNamespace(2 ** 22 + 12345), null);
});

// ---------------------------------------------------------------------------------------------------------
// visibility

t.test('visibility on this machine is complete (root, host pid namespace, no hidepid)', async (t) => {
  const v = await visibility();
  t.same(v, { complete: true, pidNs: readlinkSync('/proc/self/ns/pid') }, v.reason ?? '');
});

interface FakeProc {
  selfNs?: string | null;
  initNs?: string | null;
  mountinfo?: string | null;
  mounts?: string | null;
}

const MI = (superOpts: string) =>
  `21 26 0:20 / /proc rw,relatime - proc proc ${superOpts}\n26 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n`;

let fakes = 0;
function fakeProc(f: FakeProc): string {
  const root = join(tmp, `fakeproc-${fakes++}`);
  mkdirSync(join(root, 'self', 'ns'), { recursive: true });
  mkdirSync(join(root, '1', 'ns'), { recursive: true });
  const selfNs = f.selfNs === undefined ? INITIAL_PID_NS : f.selfNs;
  if (selfNs !== null) symlinkSync(selfNs, join(root, 'self', 'ns', 'pid'));
  if (f.initNs != null) symlinkSync(f.initNs, join(root, '1', 'ns', 'pid'));
  const mi = f.mountinfo === undefined ? MI('rw') : f.mountinfo;
  if (mi !== null) writeFileSync(join(root, 'self', 'mountinfo'), mi);
  if (f.mounts != null) writeFileSync(join(root, 'mounts'), f.mounts);
  return root;
}

const CHILD_NS = 'pid:[4026532500]';

const visRows: { name: string; proc: FakeProc; complete: boolean; mentions: string[] }[] = [
  { name: 'host ns, plain /proc, pid 1 unreadable (like this box)', proc: {}, complete: true, mentions: [] },
  {
    name: 'host ns, pid 1 readable and equal',
    proc: { initNs: INITIAL_PID_NS },
    complete: true,
    mentions: [],
  },
  { name: 'hidepid=0 is fine', proc: { mountinfo: MI('rw,hidepid=0') }, complete: true, mentions: [] },
  { name: 'hidepid=off is fine', proc: { mountinfo: MI('rw,hidepid=off') }, complete: true, mentions: [] },
  {
    name: 'hidepid=2',
    proc: { mountinfo: MI('rw,hidepid=2') },
    complete: false,
    mentions: [
      '/proc is mounted with hidepid=2',
      'processes of other users are invisible',
      'auto-reclaim is disabled',
    ],
  },
  {
    name: 'hidepid=invisible (ProtectProc=invisible)',
    proc: { mountinfo: MI('rw,hidepid=invisible') },
    complete: false,
    mentions: ['hidepid=invisible', 'ProtectProc='],
  },
  { name: 'hidepid=1', proc: { mountinfo: MI('rw,hidepid=1') }, complete: false, mentions: ['hidepid=1'] },
  {
    name: 'subset=pid (ProcSubset=pid)',
    proc: { mountinfo: MI('rw,subset=pid') },
    complete: false,
    mentions: ['subset=pid', 'ProcSubset'],
  },
  {
    name: 'the last proc mount on /proc wins',
    proc: { mountinfo: `${MI('rw')}50 21 0:55 / /proc rw - proc proc rw,hidepid=2\n` },
    complete: false,
    mentions: ['hidepid=2'],
  },
  {
    name: 'a proc mounted elsewhere is not /proc',
    proc: { mountinfo: `${MI('rw')}50 21 0:55 / /srv/proc rw - proc proc rw,hidepid=2\n` },
    complete: true,
    mentions: [],
  },
  {
    name: 'no mountinfo: /proc/mounts with hidepid',
    proc: { mountinfo: null, mounts: 'proc /proc proc rw,relatime,hidepid=2 0 0\n' },
    complete: false,
    mentions: ['hidepid=2'],
  },
  {
    name: 'neither mountinfo nor mounts',
    proc: { mountinfo: null },
    complete: false,
    mentions: ['cannot find how /proc is mounted'],
  },
  {
    name: "pid ns differs from init's (PrivatePIDs=)",
    proc: { selfNs: CHILD_NS, initNs: INITIAL_PID_NS },
    complete: false,
    mentions: [CHILD_NS, INITIAL_PID_NS, 'invisible', 'auto-reclaim is disabled'],
  },
  {
    name: "same ns as pid 1 but not the host's (a container)",
    proc: { selfNs: CHILD_NS, initNs: CHILD_NS },
    complete: false,
    mentions: [CHILD_NS, 'container', 'host pid namespace'],
  },
  {
    name: 'child ns and pid 1 unreadable',
    proc: { selfNs: CHILD_NS },
    complete: false,
    mentions: ["cannot compare pid namespace with init's", 'ENOENT'],
  },
  {
    name: 'own ns unreadable',
    proc: { selfNs: null },
    complete: false,
    mentions: ['cannot read', 'self/ns/pid'],
  },
];

for (const row of visRows) {
  t.test(`visibility (fake /proc): ${row.name}`, async (t) => {
    const v = await visibility(fakeProc(row.proc));
    t.equal(v.complete, row.complete, v.reason ?? 'complete');
    if (row.complete) t.equal(v.reason, undefined);
    for (const m of row.mentions)
      t.ok(v.reason?.includes(m), `reason mentions ${JSON.stringify(m)}: ${v.reason}`);
    t.equal(v.pidNs, row.proc.selfNs === undefined ? INITIAL_PID_NS : row.proc.selfNs);
  });
}

t.test('visibility reasons name several problems at once', async (t) => {
  const v = await visibility(
    fakeProc({ selfNs: CHILD_NS, initNs: INITIAL_PID_NS, mountinfo: MI('rw,hidepid=2') }),
  );
  t.equal(v.complete, false);
  t.match(v.reason, /hidepid=2.*pid:\[4026532500\]/s);
});
