#!/usr/bin/env node
// Makes sure the Chromium that spec/browser drives (through playwright-core, which downloads nothing) is
// there: /usr/bin/chromium, or the file CHROMIUM_PATH names. Exits 0 when it is; as root on Debian,
// installs the distribution's `chromium` package with apt-get and exits with apt-get's status;
// otherwise says what to do and exits 1. Never runs `npx playwright install`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const path = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (existsSync(path)) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const isDebian = existsSync('/etc/debian_version') && existsSync('/usr/bin/apt-get');
if (!isRoot || !isDebian) {
  console.error(
    `ensure-chromium: no Chromium at ${path}. The browser tests (spec/browser) need one:\n` +
      '  Debian/Ubuntu: sudo apt-get update && sudo apt-get install -y chromium\n' +
      '  elsewhere:     install Chromium or Chrome and set CHROMIUM_PATH=/path/to/the/executable',
  );
  process.exit(1);
}

// Wait for another apt/dpkg run (e.g. unattended upgrades) instead of failing on its lock.
const apt = ['-o', 'DPkg::Lock::Timeout=300'];
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
for (const args of [
  [...apt, 'update'],
  [...apt, 'install', '-y', 'chromium'],
]) {
  console.log(`ensure-chromium: no Chromium at ${path}; running: apt-get ${args.join(' ')}`);
  const run = spawnSync('apt-get', args, { stdio: 'inherit', env });
  const status = run.status ?? 1;
  if (run.error !== undefined) console.error(`ensure-chromium: could not run apt-get: ${run.error.message}`);
  if (status !== 0) process.exit(status);
}
if (!existsSync(path)) {
  console.error(
    `ensure-chromium: installed the chromium package, but ${path} still does not exist (is CHROMIUM_PATH right?)`,
  );
  process.exit(1);
}
console.log(`ensure-chromium: installed ${path}`);
process.exit(0);
