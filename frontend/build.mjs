// One build: src/ -> ../graphsvc/web/static (bundle, CSS, page, licences, VERSION).
// Deterministic: the same sources and lock file give the same bytes (CI compares them).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';

const out = '../graphsvc/web/static';
mkdirSync(`${out}/licenses`, { recursive: true });
await build({
  entryPoints: ['src/main.js'],
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  legalComments: 'none',
  charset: 'utf8',
  outfile: `${out}/map.js`,
  logLevel: 'warning',
});
for (const f of ['index.html', 'map.css', 'favicon.svg']) copyFileSync(`src/${f}`, `${out}/${f}`);
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
const lines = ['graphsvc network map bundle (built by `npm run build` in frontend/)', ''];
for (const [path, info] of Object.entries(lock.packages).sort()) {
  if (!path.startsWith('node_modules/') || info.dev) continue;
  const name = path.slice('node_modules/'.length);
  lines.push(`${name} ${info.version} (${info.license})`);
  copyFileSync(`${path}/LICENSE`, `${out}/licenses/${name}.LICENSE.txt`);
}
const esb = lock.packages['node_modules/esbuild'];
lines.push('', `built with esbuild ${esb.version}`);
writeFileSync(`${out}/VERSION`, `${lines.join('\n')}\n`);
