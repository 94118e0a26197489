// One build: src/ -> ../graphsvc/web/static (bundle, CSS, page, licences, VERSION).
// Deterministic: the same sources and lock file give the same bytes (CI compares them).
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
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
for (const f of ['map.css', 'favicon.svg']) copyFileSync(`src/${f}`, `${out}/${f}`);
// the page names its script and styles with their content hash: a new bundle is never
// mistaken for a cached old one (static files are cached for an hour)
const hash = (f) => createHash('sha256').update(readFileSync(`${out}/${f}`)).digest('hex').slice(0, 12);
const page = readFileSync('src/index.html', 'utf8')
  .replace('/static/map/map.js"', `/static/map/map.js?v=${hash('map.js')}"`)
  .replace('/static/map/map.css"', `/static/map/map.css?v=${hash('map.css')}"`);
writeFileSync(`${out}/index.html`, page);
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
