// npm run profile -- <suite> [suite...] [--full]
// Runs `kubescale bench <suite> --quick` under clinic flame (NO_INSIGHT=1: no telemetry prompt) and
// keeps the flame graph as reports/profile/<suites>.html. The bench's own results go to a scratch
// directory, so reports/latest is left alone; clinic's raw sample directory is removed afterwards.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suiteNames } from '../src/bench/registry.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const args = process.argv.slice(2);
const full = args.includes('--full');
const suites = args.filter((a) => !a.startsWith('-'));
const known = suiteNames();
if (suites.length === 0 || suites.some((s) => !known.includes(s))) {
  const bad = suites.filter((s) => !known.includes(s));
  process.stderr.write(`usage: npm run profile -- <suite> [suite...] [--full]${bad.length ? ` (unknown: ${bad.join(', ')})` : ''}; suites: ${known.join(', ')}\n`);
  process.exit(2);
}
const clinic = join(ROOT, 'node_modules', '.bin', 'clinic');
if (!existsSync(clinic)) {
  process.stderr.write('profile: clinic is not installed (it is a devDependency: npm ci)\n');
  process.exit(2);
}

const outDir = join(ROOT, 'reports', 'profile');
mkdirSync(outDir, { recursive: true });
const scratch = mkdtempSync(join(tmpdir(), 'ks-profile-'));
const benchArgs = ['bench', ...suites, ...(full ? [] : ['--quick']), '--out', join(scratch, 'bench')];
process.stderr.write(`profile: clinic flame -- node bin/kubescale.js ${benchArgs.join(' ')}\n`);
const r = spawnSync(clinic, ['flame', '--dest', scratch, '--open=false', '--', process.execPath, join(ROOT, 'bin', 'kubescale.js'), ...benchArgs], {
  cwd: ROOT,
  stdio: 'inherit',
  env: { ...process.env, NO_INSIGHT: '1' },
});
try {
  const html = readdirSync(scratch).find((f) => f.endsWith('.clinic-flame.html'));
  if (r.status !== 0 || !html) {
    process.stderr.write(`profile: clinic flame failed (exit ${r.status ?? r.signal})\n`);
    process.exit(1);
  }
  const dest = join(outDir, `${suites.join('-')}${full ? '' : '-quick'}.html`);
  renameSync(join(scratch, html), dest);
  process.stderr.write(`profile: flame graph written to ${dest}\n`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
