// The amd64 package, checked as a Debian administrator would: its control data and contents (dpkg-deb),
// lintian, and its maintainer scripts run for real by apt in a throwaway Debian 12 root — user and group made,
// ownership right, the service enabled but not started on a placeholder, a technician's settings kept across an
// upgrade, remove keeping /etc and /var/lib (a reinstall resumes at the same applied version), purge removing
// them. Run by `npm run test:deb` (scripts/deb/lane.mjs), which builds the package first and names it in
// AIMLOCK_DEB. The systemd side (a real boot, the unit starting) is the VM lane's.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import t from 'tap';
import { GOOD_CONFIG, ROOT } from '../helpers/board.js';
import { type DebianRoot, debianRoot } from './root.js';

const DEB = process.env.AIMLOCK_DEB ?? '';
const WORK = join(ROOT, '.deb');

if (!DEB) {
  t.fail('AIMLOCK_DEB is not set: run this through npm run test:deb');
  process.exit(1);
}

const dpkgDeb = (...args: string[]) =>
  execFileSync('dpkg-deb', args, { encoding: 'utf8', maxBuffer: 1 << 26 });
const field = (name: string) => dpkgDeb('--field', DEB, name).trim();

t.test('control data: name, version, architecture, dependencies, size, conffiles, scripts', async (t) => {
  t.equal(field('Package'), 'aimlock');
  t.match(field('Version'), /^\d+\.\d+\.\d+-\d+$/);
  t.equal(field('Architecture'), 'amd64');
  t.match(basename(DEB), `aimlock_${field('Version')}_amd64.deb`, 'file named aimlock_VERSION_ARCH.deb');
  const depends = field('Depends');
  for (const dep of [
    /\blibc6 \(>= [\d.]+\)/,
    /\blibstdc\+\+6\b/,
    /\badduser\b/,
    /\bsystemd\b/,
    /\butil-linux\b/,
  ]) {
    t.match(depends, dep, `Depends: ${dep}`);
  }
  // dpkg-gencontrol's rule: KiB per file rounded up, 1 per directory or symlink.
  const listing = dpkgDeb('--contents', DEB).trim().split('\n');
  let kib = 0;
  for (const line of listing) {
    const [mode, , size] = line.split(/\s+/);
    kib += mode?.startsWith('-') ? Math.ceil(Number(size) / 1024) : 1;
  }
  t.equal(Number(field('Installed-Size')), kib - 1, 'Installed-Size counts the contents (not ./)');
  const info = dpkgDeb('--info', DEB);
  for (const member of ['conffiles', 'md5sums', 'postinst', 'prerm', 'postrm']) t.match(info, member);
  const dir = t.testdir();
  dpkgDeb('--control', DEB, dir);
  t.equal(
    readFileSync(join(dir, 'conffiles'), 'utf8'),
    '/etc/aimlock/agent.json\n/etc/aimlock/limits.json\n',
  );
});

t.test('contents: /opt/aimlock with its own Node, unit, PATH, tmpfiles, docs', async (t) => {
  const listing = dpkgDeb('--contents', DEB);
  for (const path of [
    './opt/aimlock/node/bin/node',
    './opt/aimlock/dist/agent/main.js',
    './opt/aimlock/node_modules/fs-ext/build/Release/fs_ext.node',
    './lib/systemd/system/aimlockd.service',
    './usr/lib/tmpfiles.d/aimlock.conf',
    './etc/aimlock/keys/',
    './usr/share/doc/aimlock/copyright',
    './usr/share/doc/aimlock/changelog.Debian.gz',
    './usr/share/lintian/overrides/aimlock',
  ]) {
    t.match(listing, ` ${path}`, path);
  }
  t.match(listing, /\.\/usr\/bin\/aimlock -> \/opt\/aimlock\/bin\/aimlock/);
  t.match(listing, /\.\/usr\/bin\/aimlockd -> \/opt\/aimlock\/bin\/aimlockd/);
  t.notMatch(
    listing,
    /\.github|\/test\/|obj\.target|config\.gypi/,
    'no npm development files or build leftovers',
  );
  const unit = execFileSync(
    'sh',
    ['-c', `dpkg-deb --fsys-tarfile "$1" | tar -xO ./lib/systemd/system/aimlockd.service`, 'sh', DEB],
    {
      encoding: 'utf8',
    },
  );
  t.match(
    unit,
    /^ExecStart=\/opt\/aimlock\/node\/bin\/node (?:-\S+ )*\/opt\/aimlock\/dist\/agent\/main\.js /m,
  );
  t.match(
    unit,
    /^ExecCondition=\/opt\/aimlock\/node\/bin\/node \/opt\/aimlock\/dist\/agent\/main\.js --check /m,
  );
  t.match(unit, /^StateDirectory=aimlock$/m);
});

t.test('lintian: no errors, no warnings (kept ones are overridden with a reason)', async (t) => {
  const r = spawnSync('lintian', ['--fail-on', 'none', DEB], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const tags = `${r.stdout}`.split('\n').filter((l) => /^[EW]: /.test(l));
  t.same(tags, [], 'no E: or W: tags');
});

t.test('installed for real in a Debian root: install, upgrade, remove, reinstall, purge', async (t) => {
  const root: DebianRoot = debianRoot(join(WORK, 'cache'), join(WORK, 'chroot', `test-${process.pid}`));
  t.teardown(() => root.remove());
  const sh = (script: string) => {
    const r = root.sh(script);
    return { ...r, out: `${r.stdout}${r.stderr}` };
  };
  const ok = (script: string, what: string) => {
    const r = sh(script);
    t.equal(r.code, 0, what, { output: r.out.slice(-3000) });
    return r.out;
  };
  mkdirSync(join(root.dir, 'tmp', 'debs'), { recursive: true });
  copyFileSync(DEB, join(root.dir, 'tmp', 'debs', 'v1.deb'));
  upgradeOf(DEB, join(root.dir, 'tmp', 'debs', 'v2.deb'), t.testdir());

  const install = ok('apt-get install -y /tmp/debs/v1.deb', 'apt-get install ./aimlock_…_amd64.deb');
  t.match(
    install,
    /aimlockd is enabled but not started: .*\/device must match/,
    'placeholder: not started, says why',
  );
  t.match(install, /edit \/etc\/aimlock\/agent.json/, 'and what to do next');
  const user = ok('getent passwd aimlock', 'user aimlock exists').trim().split(':');
  t.ok(Number(user[2]) < 1000, `a system uid (${user[2]})`);
  t.equal(user[6], '/usr/sbin/nologin', 'no login shell');
  ok('getent group aimlock', 'group aimlock exists');
  const owners = ok(
    'stat -c "%n %U:%G %a" /etc/aimlock /etc/aimlock/keys /etc/aimlock/agent.json /etc/aimlock/limits.json /var/lib/aimlock /run/aimlock /opt/aimlock/node/bin/node',
    'stat',
  );
  t.same(owners.trim().split('\n'), [
    '/etc/aimlock root:aimlock 750',
    '/etc/aimlock/keys root:aimlock 750',
    '/etc/aimlock/agent.json root:aimlock 640',
    '/etc/aimlock/limits.json root:aimlock 640',
    '/var/lib/aimlock aimlock:aimlock 750',
    '/run/aimlock aimlock:aimlock 750',
    '/opt/aimlock/node/bin/node root:root 755',
  ]);
  t.match(
    ok('readlink /etc/systemd/system/multi-user.target.wants/aimlockd.service', 'enabled'),
    '/lib/systemd/system/aimlockd.service',
  );
  t.match(ok('aimlock --version && aimlockd --version', 'both commands on the PATH'), /^\d+\.\d+\.\d+/);
  t.not(sh('aimlockd --check').code, 0, 'the placeholder settings do not pass --check');

  // A technician names the board and lands a config (as the agent would), then the package is upgraded.
  writeFileSync(
    join(root.dir, 'etc', 'aimlock', 'agent.json'),
    `${JSON.stringify({ device: 'drone-07', fleet: 'alpha', broker: { url: 'mqtt://127.0.0.1:1883' } })}\n`,
  );
  writeFileSync(join(root.dir, 'tmp', 'config.json'), JSON.stringify(GOOD_CONFIG));
  ok('aimlockd --check', 'configured settings pass --check');
  ok('aimlock apply /tmp/config.json --reason "deb test"', 'aimlock apply lands a config');
  const applied = () =>
    JSON.parse(readFileSync(join(root.dir, 'var/lib/aimlock/state.json'), 'utf8')).applied;
  const before = applied();
  t.ok(before?.version, `applied version ${before?.version}`);

  const upgrade = ok('apt-get install -y /tmp/debs/v2.deb', 'upgrade to the next version');
  t.notMatch(upgrade, /not started/, 'configured: no next-steps message');
  t.match(readFileSync(join(root.dir, 'etc/aimlock/agent.json'), 'utf8'), /drone-07/, 'conffile edit kept');
  t.equal(sh('ls /etc/aimlock/*.dpkg-*').code, 2, 'no .dpkg-new/.dpkg-dist left beside it');
  t.match(ok('dpkg-query -W aimlock', 'version'), /-2$/m, 'the upgrade is installed');

  ok('apt-get remove -y aimlock', 'apt remove');
  t.equal(sh('test -e /opt/aimlock || test -e /usr/bin/aimlock').code, 1, 'program files gone');
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a dpkg-query format, not a JavaScript template
  t.match(ok("dpkg-query -W -f '${Status}' aimlock", 'status'), 'deinstall ok config-files');
  t.match(
    readFileSync(join(root.dir, 'etc/aimlock/agent.json'), 'utf8'),
    /drone-07/,
    'remove keeps /etc/aimlock',
  );
  t.same(applied(), before, 'remove keeps /var/lib/aimlock');

  ok('apt-get install -y /tmp/debs/v2.deb', 'reinstall');
  t.same(applied(), before, 'reinstall resumes with the same applied version');
  ok(
    'apt-get install -y --reinstall /tmp/debs/v2.deb',
    'the same version again: maintainer scripts are idempotent',
  );
  t.match(ok('aimlock show', 'aimlock show after reinstall'), `version ${before.version}`);

  ok('apt-get purge -y aimlock', 'apt purge');
  t.equal(sh('test -e /etc/aimlock || test -e /var/lib/aimlock').code, 1, 'purge removes /etc and /var/lib');
  ok('getent passwd aimlock', 'the system user is kept (Debian practice)');
  t.equal(sh('dpkg-query -W aimlock').code, 1, 'no trace left in dpkg');
});

/** The same package as the next Debian revision (0.1.0-1 → 0.1.0-2): a real upgrade without a second build. */
function upgradeOf(deb: string, out: string, scratch: string): string {
  const dir = join(scratch, 'v2');
  rmSync(dir, { recursive: true, force: true });
  dpkgDeb('--raw-extract', deb, dir);
  const control = join(dir, 'DEBIAN', 'control');
  writeFileSync(
    control,
    readFileSync(control, 'utf8').replace(
      /^Version: (.*)-(\d+)$/m,
      (_, u, r) => `Version: ${u}-${Number(r) + 1}`,
    ),
  );
  dpkgDeb('--root-owner-group', '-Zgzip', '--build', dir, out);
  return out;
}
