// Completes package-lock.json with the platform packages the registry mirror of this
// workplace does not serve (e.g. @rollup/rollup-darwin-x64). npm leaves a lock without them
// when their metadata cannot be fetched, and `npm ci` then refuses the lock as out of sync.
// Each missing optional dependency gets the entry npm itself would write for it (version,
// os/cpu/libc from its name, optional): npm ci skips such packages on other platforms, so
// nothing is fetched for them. Run after any `npm install` that changes the lock:
//   node .ci/complete-lock.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const OS = ['android', 'darwin', 'freebsd', 'linux', 'openbsd', 'openharmony', 'win32', 'sunos', 'aix', 'netbsd'];
const CPU = { 'arm-eabi': 'arm', arm: 'arm', arm64: 'arm64', x64: 'x64', ia32: 'ia32', loong64: 'loong64', ppc64: 'ppc64', riscv64: 'riscv64', s390x: 's390x', mips64el: 'mips64el' };

function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((p) => OS.includes(p));
  const cpuKey = parts.includes('eabi') ? 'arm-eabi' : parts.find((p) => p in CPU);
  const libc = parts.includes('musl') || parts.includes('musleabihf') ? 'musl' : parts.includes('gnu') || parts.includes('gnueabihf') ? 'glibc' : undefined;
  return os && cpuKey ? { os, cpu: CPU[cpuKey], libc } : undefined;
}

let added = 0;
for (const [key, entry] of Object.entries(lock.packages)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const at = `${key ? `${key}/` : ''}node_modules/${dep}`;
    const hoisted = `node_modules/${dep}`;
    if (lock.packages[at] || lock.packages[hoisted]) continue;
    const platform = platformOf(dep);
    if (!platform) throw new Error(`${dep}: missing from the lock and not a platform package; run npm install on a registry that serves it`);
    lock.packages[hoisted] = {
      version,
      cpu: [platform.cpu],
      ...(entry.dev ? { dev: true } : {}),
      ...(platform.libc ? { libc: [platform.libc] } : {}),
      optional: true,
      os: [platform.os],
    };
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)));
writeFileSync(path, JSON.stringify(lock, null, 2) + '\n');
console.log(`package-lock.json: ${added} platform package entr${added === 1 ? 'y' : 'ies'} added`);
