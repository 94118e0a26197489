// PNG export of what is on screen: the map at 2x or 4x with a title, legend, year, data version
// and date drawn around it (on a canvas: no data: URLs, which the page's CSP forbids).
import { KINDS, STATUS, t, label } from './i18n.js';

const HEADER = 64;
const FOOTER = 52;
const FONT = '"WenQuanYi Micro Hei", "Noto Sans CJK SC", sans-serif';

export function pngSize(cy, scale) {
  cy.resize();
  return { width: Math.round(cy.width() * scale), height: Math.round((cy.height() + HEADER + FOOTER) * scale) };
}

export function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export async function exportPng(cy, scale, view, state) {
  const w = cy.width();
  const h = cy.height();
  const map = await cy.png({ output: 'blob-promise', scale, full: false, bg: '#ffffff' });
  const bmp = await createImageBitmap(map);
  const size = pngSize(cy, scale);
  const canvas = document.createElement('canvas');
  canvas.width = size.width;
  canvas.height = size.height;
  const g = canvas.getContext('2d');
  g.scale(scale, scale);
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, w, h + HEADER + FOOTER);
  g.drawImage(bmp, 0, HEADER, w, h);
  g.fillStyle = '#111';
  g.font = `bold 20px ${FONT}`;
  g.textBaseline = 'top';
  const what = [];
  if (state.preset) what.push(t(`preset_${state.preset}`));
  const names = new Map((view ? view.nodes : []).map((n) => [n.id, n.name]));
  if (state.township) what.push(names.get(state.township) || state.township);
  if (state.ego) what.push(`${t('focus')} ${names.get(state.ego) || state.ego}`);
  g.fillText(`${t('png_title')}${what.length ? ` · ${what.join(' · ')}` : ''}`, 14, 10, w - 28);
  g.font = `13px ${FONT}`;
  g.fillStyle = '#444';
  const today = new Date().toISOString().slice(0, 10);
  g.fillText(`${t('year')} ${view ? view.year : ''} · ${t('data_version')} ${view ? view.data_version : ''} · ${t('generated')} ${today} · ${view ? view.nodes.length : 0} ${t('entities')}`, 14, 38, w - 28);
  // the legend
  let x = 14;
  const y = HEADER + h + 10;
  g.font = `13px ${FONT}`;
  for (const [key, k] of Object.entries(KINDS)) {
    const n = view && view.counts[key];
    if (!n) continue;
    const text = `${label(KINDS, key)} ${n}`;
    g.fillStyle = k.color;
    g.beginPath(); g.arc(x + 6, y + 8, 6, 0, Math.PI * 2); g.fill();
    g.fillStyle = '#222';
    g.fillText(text, x + 16, y + 1);
    x += 26 + g.measureText(text).width;
  }
  for (const key of ['weak', 'strong']) {
    g.strokeStyle = STATUS[key].color;
    g.lineWidth = 3;
    g.beginPath(); g.arc(x + 6, y + 8, 5, 0, Math.PI * 2); g.stroke();
    g.fillStyle = '#222';
    const text = `${label(STATUS, key)} ${view ? view.status_counts[key] : ''}`;
    g.fillText(text, x + 16, y + 1);
    x += 26 + g.measureText(text).width;
  }
  g.fillStyle = '#888';
  g.fillText('graphsvc', w - 80, y + 22);
  const blob = await new Promise((ok) => canvas.toBlob(ok, 'image/png'));
  download(blob, `graphsvc-map-${scale}x.png`);
  return size;
}
