// graphsvc network map: draws /v1/view with Cytoscape.js (canvas: no WebGL needed).
import cytoscape from 'cytoscape';
import fcose from 'cytoscape-fcose';
import { get, onTokenNeeded, setToken, query, ApiError } from './api.js';
import { KINDS, STATUS, MODELS, RELATIONS, ROLES, GAPS, t, label, setLang, getLang, applyWords, setModel, roleOf } from './i18n.js';
import { renderPanel } from './panel.js';
import { renderCoverage } from './coverage.js';
import { exportPng, pngSize, download } from './png.js';

cytoscape.use(fcose);

const $ = (id) => document.getElementById(id);
const el = (tag, attrs = {}, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (v !== null && v !== undefined && v !== false) e.setAttribute(k, v === true ? '' : v);
  }
  for (const k of kids) if (k !== null && k !== undefined) e.append(k);
  return e;
};

// -- the view state: everything the URL holds ------------------------------------------------
const FILTERS = ['township', 'model', 'kind', 'status', 'relation', 'ego', 'hops', 'year', 'preset', 'limit'];
const EXTRA = ['sel', 'lang', 'tab', 'z', 'px', 'py', 'hide', 'fade', 'from', 'to'];
let state = {};
let lastView = null;
let cy = null;
let loadSeq = 0;
const ctx = { $, el, t, label, get, focus: (id) => focusOn(id), select: (id) => selectNode(id, true),
  setPath: (end, id, name) => setPathEnd(end, id, name), filter: (k, v) => setFilter(k, v) };

function readUrl() {
  const p = new URLSearchParams(location.search);
  const s = {};
  for (const k of [...FILTERS, ...EXTRA]) if (p.get(k)) s[k] = p.get(k);
  return s;
}

function writeUrl(push) {
  const p = new URLSearchParams();
  for (const k of [...FILTERS, ...EXTRA]) if (state[k] !== undefined && state[k] !== '') p.set(k, state[k]);
  const url = `${location.pathname}${p.toString() ? `?${p}` : ''}`;
  if (url === location.pathname + location.search) return;
  if (push) history.pushState(null, '', url); else history.replaceState(null, '', url);
  if (document.body.dataset.ready === '1') document.body.dataset.url = location.search;
}

function viewParams() {
  const out = {};
  for (const k of FILTERS) if (state[k]) out[k] = state[k];
  if (out.ego && !out.hops) out.hops = '1';
  if (!out.ego) delete out.hops;
  return out;
}

// -- the drawing ----------------------------------------------------------------------------
const FONT = '"WenQuanYi Micro Hei", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif';
// sizes and shapes by what a kind is (its role in the schema), never by its name
const SIZE = { village: 16, township: 44, district: 60, joint: 34, organisation: 26 };

function makeCy() {
  cy = cytoscape({
    container: $('cy'),
    minZoom: 0.05, maxZoom: 4,
    textureOnViewport: false, hideEdgesOnViewport: false, pixelRatio: 'auto',
    style: [
      { selector: 'node', style: {
        'background-color': 'data(color)', width: 'data(size)', height: 'data(size)',
        label: 'data(name)', 'font-family': FONT, 'font-size': 11, color: '#222',
        'text-valign': 'bottom', 'text-margin-y': 3,
        'min-zoomed-font-size': 7, 'text-background-color': '#ffffff',
        'text-background-opacity': 0.75, 'text-background-padding': 1,
        'border-width': 1, 'border-color': '#8a8a8a' } },
      { selector: 'node[role = "township"]', style: { 'font-size': 36, 'text-max-width': 300, 'font-weight': 'bold', 'min-zoomed-font-size': 4, 'z-index': 5 } },
      { selector: 'node[role = "district"]', style: { 'font-size': 48, 'text-max-width': 400, 'font-weight': 'bold', 'min-zoomed-font-size': 3, 'z-index': 6 } },
      { selector: 'node[role != "village"]', style: { 'text-wrap': 'wrap', 'text-max-width': 130 } },
      { selector: 'node[role = "joint"], node[role = "organisation"]', style: { shape: 'round-diamond', 'font-size': 12, 'min-zoomed-font-size': 5, 'z-index': 4 } },
      { selector: 'node[role = "partner"], node[role = "other"]', style: { shape: 'round-rectangle', 'font-size': 12, 'min-zoomed-font-size': 5 } },
      { selector: 'node[role = "place"]', style: { shape: 'round-triangle', 'min-zoomed-font-size': 6 } },
      { selector: 'node[status = "weak"]', style: { width: 30, height: 30, 'border-width': 7, 'font-size': 16, 'border-color': STATUS.weak.color, 'min-zoomed-font-size': 4, 'z-index': 8 } },
      { selector: 'node[status = "strong"]', style: { width: 30, height: 30, 'border-width': 7, 'font-size': 16, 'border-color': STATUS.strong.color, 'min-zoomed-font-size': 4, 'z-index': 8 } },
      { selector: 'edge', style: { width: 1, 'line-color': '#d4d4cc', 'curve-style': 'haystack', 'haystack-radius': 0, opacity: 0.8 } },
      { selector: 'edge[relrole != "part_of"]', style: { width: 3, 'line-color': '#7d7d74' } },
      { selector: '.faded', style: { opacity: 0.12, 'text-opacity': 0.1 } },
      { selector: '.gone', style: { display: 'none' } },
      { selector: 'node.near', style: { opacity: 1, 'text-opacity': 1, 'min-zoomed-font-size': 0, 'z-index': 20 } },
      { selector: 'edge.near', style: { opacity: 1, width: 3, 'line-color': '#555', 'z-index': 19 } },
      { selector: 'node.hl', style: { 'overlay-color': '#ffb000', 'overlay-opacity': 0.28, 'overlay-padding': 6, 'min-zoomed-font-size': 0, 'z-index': 30 } },
      { selector: 'edge.hl', style: { width: 6, 'line-color': '#ff8c00', opacity: 1, 'z-index': 29 } },
      { selector: 'node:selected', style: { 'overlay-color': '#2f5d8a', 'overlay-opacity': 0.3, 'overlay-padding': 8 } },
    ],
  });
  cy.on('mouseover', 'node', (e) => hover(e.target));
  cy.on('mouseout', 'node', () => hover(null));
  cy.on('tap', 'node', (e) => selectNode(e.target.id(), true));
  cy.on('tap', (e) => { if (e.target === cy) hover(null); });
  let timer = null;
  cy.on('zoom', () => requestAnimationFrame(scaleLabels));
  cy.on('viewport', () => {
    if (autoViewport) return;  // our own fit, not the user's pan or zoom
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (!document.body.dataset.ready || document.body.dataset.ready === '0') return;
      state.z = cy.zoom().toFixed(3);
      state.px = cy.pan().x.toFixed(0);
      state.py = cy.pan().y.toFixed(0);
      writeUrl(false);
    }, 250);
  });
}

// township and district names keep a readable size on screen at every zoom
const LABEL_PX = { township: [15, 12, 60], district: [19, 14, 80] };
let lastZoom = 0;
function scaleLabels() {
  const z = cy.zoom();
  if (Math.abs(z - lastZoom) < 1e-3) return;
  lastZoom = z;
  cy.batch(() => {
    for (const [role, [px, lo, hi]] of Object.entries(LABEL_PX)) {
      const size = Math.max(lo, Math.min(hi, px / z));
      cy.nodes(`[role = "${role}"]`).style({ 'font-size': size, 'text-max-width': size * 9 });
    }
    // weak and strong rings stay visible from afar
    const ring = Math.max(30, 16 / z);
    cy.nodes('[status != "unknown"]').style({ width: ring, height: ring, 'border-width': Math.max(7, 4 / z) });
  });
}

function hover(node) {
  cy.batch(() => {
    cy.elements().removeClass('near');
    cy.elements().removeClass('dim');
    if (!node) { applyLegendClasses(); return; }
    const hood = node.closedNeighborhood();
    cy.elements().not(hood).addClass('faded');
    hood.addClass('near');
  });
}

function draw(view) {
  const els = [];
  for (const n of view.nodes) {
    const role = roleOf(n.legend);
    const color = KINDS[n.legend] ? KINDS[n.legend].color : '#7f7f7f';
    els.push({ group: 'nodes', data: { ...n, role, color, size: SIZE[role] || 18 },
      position: { x: n.x, y: n.y } });
  }
  for (const e of view.edges) {
    const relrole = (RELATIONS[e.relation] && RELATIONS[e.relation].role) || '';
    els.push({ group: 'edges', data: { ...e, relrole, id: `e:${e.id}` } });
  }
  cy.batch(() => {
    cy.elements().remove();
    cy.add(els);
    const hlNodes = new Set(view.highlight_nodes);
    const hlEdges = new Set(view.highlight_edges.map((x) => `e:${x}`));
    cy.nodes().filter((n) => hlNodes.has(n.id())).addClass('hl');
    cy.edges().filter((e) => hlEdges.has(e.id())).addClass('hl');
    applyLegendClasses();
  });
  lastZoom = 0;
  const z = Number(state.z);
  if (z && state.px !== undefined) {
    autoViewport = true;
    cy.viewport({ zoom: z, pan: { x: Number(state.px), y: Number(state.py) } });
    autoViewport = false;
    scaleLabels();
  } else {
    fitAll();
  }
}

let autoViewport = false;
function fitAll() {
  // fit the node positions (cy.fit would measure every label first: slow for large views)
  const nodes = cy.nodes(':visible');
  if (nodes.empty()) return;
  let [x1, y1, x2, y2] = [Infinity, Infinity, -Infinity, -Infinity];
  nodes.forEach((n) => {
    const p = n.position();
    x1 = Math.min(x1, p.x); y1 = Math.min(y1, p.y); x2 = Math.max(x2, p.x); y2 = Math.max(y2, p.y);
  });
  x1 -= 60; x2 += 60; y1 -= 40; y2 += 60;  // room for the node and its label below it
  const w = cy.width();
  const h = cy.height();
  const zoom = Math.min(1.5, (w - 40) / (x2 - x1), (h - 40) / (y2 - y1));
  autoViewport = true;
  cy.viewport({ zoom, pan: { x: (w - zoom * (x1 + x2)) / 2, y: (h - zoom * (y1 + y2)) / 2 } });
  autoViewport = false;
  scaleLabels();
}

// -- the legend: fade or hide a kind -------------------------------------------------------
function listed(key) { return (state[key] || '').split(',').filter(Boolean); }

function applyLegendClasses() {
  const hide = new Set(listed('hide'));
  const fade = new Set(listed('fade'));
  cy.elements().removeClass('faded gone');
  cy.nodes().forEach((n) => {
    if (hide.has(n.data('legend'))) n.addClass('gone');
    else if (fade.has(n.data('legend'))) { n.addClass('faded'); n.connectedEdges().addClass('faded'); }
  });
}

function renderLegend(view) {
  const ul = $('legend');
  ul.replaceChildren();
  const hide = new Set(listed('hide'));
  const fade = new Set(listed('fade'));
  for (const [key, k] of Object.entries(KINDS)) {
    const n = view.counts[key] || 0;
    if (!n && !hide.has(key) && !fade.has(key)) continue;
    const cls = hide.has(key) ? 'hidden' : fade.has(key) ? 'faded' : '';
    ul.append(el('li', { class: cls, 'data-legend': key, tabindex: '0', role: 'button',
      onclick: () => cycleLegend(key), onkeydown: (e) => { if (e.key === 'Enter') cycleLegend(key); } },
    swatchCanvas(k.color), el('span', { text: label(KINDS, key) }), el('span', { class: 'count', text: String(n) })));
  }
  const sl = $('status-legend');
  sl.replaceChildren();
  for (const key of Object.keys(STATUS)) {
    sl.append(el('li', { 'data-status': key }, el('span', { class: `ring ${key}` }),
      el('span', { text: `${label(STATUS, key)}（${view.year}）` }),
      el('span', { class: 'count', text: String(view.status_counts[key] || 0) })));
  }
}

function swatchCanvas(color) {
  // a coloured dot without inline styles: a tiny canvas
  const c = el('canvas', { width: '14', height: '14', class: 'swatch' });
  const g = c.getContext('2d');
  g.fillStyle = color;
  g.beginPath(); g.arc(7, 7, 6.5, 0, Math.PI * 2); g.fill();
  return c;
}

function cycleLegend(key) {
  const hide = new Set(listed('hide'));
  const fade = new Set(listed('fade'));
  if (hide.has(key)) hide.delete(key);
  else if (fade.has(key)) { fade.delete(key); hide.add(key); } else fade.add(key);
  state.hide = [...hide].join(',');
  state.fade = [...fade].join(',');
  writeUrl(true);
  applyLegendClasses();
  renderLegend(lastView);
  renderList(lastView);
}

// -- loading a view --------------------------------------------------------------------------
async function load() {
  const seq = ++loadSeq;
  document.body.dataset.ready = '0';
  $('summary').textContent = t('loading');
  let view;
  try {
    view = await get('/v1/view', viewParams());
    await modelReady;  // the kinds' colours and labels
    performance.mark('graphsvc:view-fetched');
  } catch (err) {
    if (seq !== loadSeq) return;
    cy.elements().remove();
    showMessage([el('b', { text: t('error') }), el('span', { text: err.message })]);
    $('summary').textContent = '';
    document.body.dataset.nodes = '0';
    document.body.dataset.url = location.search;
    document.body.dataset.ready = '1';  // done: the message is the view
    return;
  }
  if (seq !== loadSeq) return;
  lastView = view;
  fillYears(view);
  if (view.truncated) {
    cy.elements().remove();
    const list = el('ul', {}, ...view.townships.slice(0, 12).map((x) => el('li', {},
      el('a', { tabindex: '0', text: x.name, onclick: () => setFilter('township', x.id),
        onkeydown: (e) => { if (e.key === 'Enter') setFilter('township', x.id); } }),
      el('span', { text: ` (${x.count})` }))));
    showMessage([el('p', { text: t('truncated', { n: view.total, limit: view.limit }) }),
      el('p', { text: `${t('narrow_township')}:` }), list]);
  } else if (!view.nodes.length) {
    cy.elements().remove();
    showMessage([el('p', { text: t('empty') })]);
  } else {
    $('message').hidden = true;
    performance.mark('graphsvc:draw-start');
    draw(view);
    performance.mark('graphsvc:draw-end');
  }
  renderLegend(view);
  renderRows(view);
  renderList(view);
  renderSummary(view);
  syncControls();
  performance.mark('graphsvc:panels');
  $('version').textContent = `${t('data_version')} ${view.data_version} · graphsvc`;
  cy.resize();  // the panels around may have changed size
  document.body.dataset.nodes = String(view.truncated ? 0 : view.nodes.length);
  document.body.dataset.url = location.search;  // the view drawn is the one the URL says
  // ready once the canvas has painted this view (the next frame after the drawing)
  await new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok)));
  if (seq !== loadSeq) return;
  performance.mark('graphsvc:drawn');
  document.body.dataset.ready = '1';
  if (state.sel) selectNode(state.sel, false);
}

function showMessage(children) {
  const m = $('message');
  m.replaceChildren(...children);
  m.hidden = false;
}

function renderSummary(view) {
  const shown = view.truncated ? 0 : view.nodes.length;
  $('summary').textContent = `${shown} ${t('entities')} · ${view.truncated ? 0 : view.edges.length} ${t('links')} · ${t('year')} ${view.year}`;
}

function fillYears(view) {
  const sel = $('year');
  const years = [...new Set([...view.years, view.year])].sort();
  const have = [...sel.options].map((o) => o.value).join();
  if (have !== years.join()) {
    sel.replaceChildren(...years.map((y) => el('option', { value: String(y), text: String(y) })));
  }
  sel.value = String(view.year);
}

// -- presets and filters -------------------------------------------------------------------
// the models' presets come with the data model (/v1/meta)
const presets = () => [
  ['all', {}], ['weak_linked', { preset: 'weak_linked' }], ['gaps', { preset: 'gaps' }],
  ...Object.keys(MODELS).map((m) => [`model:${m}`, { model: m }]),
];

function renderPresets() {
  const box = $('presets');
  box.replaceChildren();
  for (const [key, params] of presets()) {
    const name = key.startsWith('model:') ? label(MODELS, key.slice(6)) : t(`preset_${key}`);
    const on = key === 'all' ? !state.preset && !state.model && !state.ego
      : Object.entries(params).every(([k, v]) => state[k] === v);
    box.append(el('button', { type: 'button', class: on ? 'on' : '', 'data-preset': key, text: name,
      onclick: () => applyPreset(params) }));
  }
}

function applyPreset(params) {
  for (const k of ['preset', 'model', 'ego', 'hops', 'kind', 'status', 'relation', 'z', 'px', 'py', 'sel']) delete state[k];
  Object.assign(state, params);
  commit();
}

function setFilter(key, value) {
  if (value) state[key] = value; else delete state[key];
  for (const k of ['z', 'px', 'py']) delete state[k];
  if (key === 'township' || key === 'model') showTab('map');
  commit();
}

function commit() {
  writeUrl(true);
  renderPresets();
  syncControls();
  load();
}

let townships = [];

function option(value, text) { return el('option', { value, text }); }

function fillFilters(meta) {
  const fill = (id, items) => {
    const sel = $(id);
    sel.replaceChildren(option('', t('all')), ...items.map(([v, txt]) => option(v, txt)));
  };
  fill('f-township', townships.map((x) => [x.id, x.name]));
  fill('f-model', Object.keys(MODELS).map((m) => [m, label(MODELS, m)]));
  fill('f-kind', meta.kinds.map((k) => [k, label(KINDS, k)]));
  fill('f-status', Object.keys(STATUS).map((s) => [s, label(STATUS, s)]));
  fill('f-relation', Object.keys(RELATIONS).map((r) => [r, label(RELATIONS, r)]));
}

function syncControls() {
  for (const [id, key] of [['f-township', 'township'], ['f-model', 'model'], ['f-kind', 'kind'], ['f-status', 'status'], ['f-relation', 'relation']]) {
    const sel = $(id);
    const want = state[key] || '';
    // a link may name a township rather than give its code
    const byName = [...sel.options].find((o) => o.value === want || o.textContent === want);
    sel.value = byName ? byName.value : '';
  }
  if (state.year) $('year').value = state.year;
  $('focus-box').hidden = !state.ego;
  $('hops').value = state.hops || '1';
  if (state.ego) {
    const n = lastView && lastView.nodes.find((x) => x.id === state.ego);
    $('focus-name').textContent = n ? n.name : state.ego;
  }
  $('lang').textContent = getLang() === 'en' ? '中文' : 'English';
}

// -- selection, focus and the side panel -------------------------------------------------
function selectNode(id, user) {
  if (user) { state.sel = id; writeUrl(false); }
  if (cy) {
    cy.nodes(':selected').unselect();
    const n = cy.getElementById(id);
    if (n.nonempty()) n.select();
  }
  renderPanel($('panel'), id, state.year || (lastView && lastView.year), ctx).catch((err) => {
    $('panel').replaceChildren(el('p', { class: 'error', text: `${t('error')}${err.message}` }));
  });
}

function focusOn(id) {
  for (const k of ['preset', 'z', 'px', 'py']) delete state[k];
  state.ego = id;
  state.hops = state.hops || '1';
  state.sel = id;
  showTab('map');
  commit();
}

// -- search ------------------------------------------------------------------------------
function searchBox(input, list, choose) {
  let timer = null;
  let seq = 0;
  let active = -1;
  const close = () => { list.hidden = true; active = -1; };
  input.addEventListener('input', () => {
    clearTimeout(timer);
    const q = input.value.trim();
    if (!q) { close(); return; }
    timer = setTimeout(async () => {
      const my = ++seq;
      let res;
      try { res = await get('/v1/search', { q, limit: 12 }); } catch (err) { return; }
      if (my !== seq) return;
      list.replaceChildren();
      if (res.ambiguous) list.append(el('li', { class: 'hint', text: t('ambiguous') }));
      if (!res.data.length) list.append(el('li', { class: 'hint', text: t('no_match') }));
      for (const m of res.data) {
        const e = m.entity;
        const where = e.township_name ? ` · ${e.township_name}` : '';
        list.append(el('li', { 'data-id': e.id, role: 'option',
          onmousedown: (ev) => { ev.preventDefault(); close(); choose(e); } },
        el('span', { text: e.name }), el('small', { text: `${label(KINDS, e.kind)}${where} · ${e.id}` })));
      }
      list.hidden = false;
    }, 180);
  });
  input.addEventListener('keydown', (ev) => {
    const items = [...list.querySelectorAll('li[data-id]')];
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      ev.preventDefault();
      active = (active + (ev.key === 'ArrowDown' ? 1 : items.length - 1)) % Math.max(items.length, 1);
      items.forEach((li, i) => li.classList.toggle('active', i === active));
    } else if (ev.key === 'Enter' && items.length) {
      ev.preventDefault();
      items[Math.max(active, 0)].dispatchEvent(new MouseEvent('mousedown'));
    } else if (ev.key === 'Escape') close();
  });
  input.addEventListener('blur', () => setTimeout(close, 150));
}

// -- the path tool ---------------------------------------------------------------------
const pathEnds = { from: null, to: null };
function setPathEnd(end, id, name) {
  pathEnds[end] = id;
  $(end === 'from' ? 'path-from' : 'path-to').value = name;
}

async function findPaths() {
  const out = $('path-list');
  out.replaceChildren();
  if (!pathEnds.from || !pathEnds.to) { out.append(el('li', { text: t('path_pick') })); return; }
  let res;
  try {
    res = await get('/v1/paths', { from: pathEnds.from, to: pathEnds.to, limit: 5 });
  } catch (err) {
    out.append(el('li', { class: 'error', text: err.message }));
    return;
  }
  if (!res.data.length) { out.append(el('li', { text: t('path_none') })); return; }
  res.data.forEach((p, i) => {
    out.append(el('li', { tabindex: '0', 'data-path': String(i), text: p.text,
      onclick: (ev) => showPath(p, ev.currentTarget) }));
  });
  showPath(res.data[0], out.firstChild);
}

function showPath(p, li) {
  for (const x of $('path-list').children) x.classList.remove('on');
  if (li) li.classList.add('on');
  const ids = p.nodes.map((n) => n.id);
  const missing = ids.some((id) => cy.getElementById(id).empty());
  const mark = () => {
    cy.elements().removeClass('hl');
    ids.forEach((id) => cy.getElementById(id).addClass('hl'));
    p.edges.forEach((e) => cy.getElementById(`e:${e.key}`).addClass('hl'));
    cy.elements().not('.hl').addClass('faded');  // the path stands out until the next hover
    cy.animate({ fit: { eles: cy.elements('.hl'), padding: 60 }, duration: 300 });
  };
  if (missing) {
    // show the whole neighbourhood of the path's first end, far enough to hold the path
    for (const k of ['preset', 'model', 'township', 'kind', 'status', 'relation', 'z', 'px', 'py']) delete state[k];
    state.ego = ids[0];
    state.hops = String(Math.min(3, p.length));
    state.sel = ids[0];
    commit();
    const wait = setInterval(() => {
      if (document.body.dataset.ready === '1') { clearInterval(wait); if (ids.every((id) => cy.getElementById(id).nonempty())) mark(); }
    }, 50);
  } else mark();
}

// -- the list view -------------------------------------------------------------------
let sortKey = 'name';
let sortDir = 1;
function renderList(view) {
  const body = $('list').querySelector('tbody');
  body.replaceChildren();
  if (!view || view.truncated) return;
  const hide = new Set(listed('hide'));
  const rows = view.nodes.filter((n) => !hide.has(n.legend)).slice();
  rows.sort((a, b) => {
    const x = a[sortKey] ?? '';
    const y = b[sortKey] ?? '';
    return (typeof x === 'number' ? x - y : String(x).localeCompare(String(y), 'zh')) * sortDir;
  });
  for (const n of rows) {
    const tr = el('tr', { tabindex: '0', 'data-id': n.id,
      onclick: () => selectNode(n.id, true),
      onkeydown: (e) => { if (e.key === 'Enter') selectNode(n.id, true); } },
    el('td', { text: n.name }), el('td', { text: label(KINDS, n.legend) }),
    el('td', { text: n.township_name || '' }),
    el('td', {}, el('span', { class: `badge ${n.status}`, text: label(STATUS, n.status) })),
    el('td', { class: 'num', text: String(n.degree) }));
    body.append(tr);
  }
  for (const th of $('list').querySelectorAll('th')) {
    th.classList.toggle('asc', th.dataset.sort === sortKey && sortDir > 0);
    th.classList.toggle('desc', th.dataset.sort === sortKey && sortDir < 0);
  }
}

function renderRows(view) {
  const box = $('rows-box');
  if (!view.rows.length) { box.hidden = true; return; }
  box.hidden = false;
  const most = 300;
  $('rows-title').textContent = `${t(`rows_${view.preset}`)}（${view.rows.length}）${
    view.rows.length > most ? t('rows_first', { n: most }) : ''}`;
  const ol = $('rows');
  ol.replaceChildren(...view.rows.slice(0, most).map((r) => el('li', {
    tabindex: '0', 'data-entity': r.entity, onclick: () => selectNode(r.entity, true),
    onkeydown: (e) => { if (e.key === 'Enter') selectNode(r.entity, true); } },
  el('b', { text: r.name }), el('span', { text: r.other_name ? ` → ${r.other_name}` : '' }),
  el('small', { text: rowDetail(r) }))));
}

function rowDetail(r) {
  // a gap: its kind in the page's language (the service's detail is English: shown in English)
  if (r.tag && r.tag !== 'weak_linked' && GAPS[r.tag]) {
    return [r.township_name, label(GAPS, r.tag), getLang() === 'en' ? r.detail : null].filter(Boolean).join(' · ');
  }
  return [r.township_name, r.detail].filter(Boolean).join(' · ');
}

function showTab(name) {
  if (name === 'map') delete state.tab; else state.tab = name;
  for (const b of $('tabs').querySelectorAll('button')) b.classList.toggle('on', b.dataset.tab === name);
  $('map-wrap').hidden = name !== 'map';
  $('list-wrap').hidden = name !== 'list';
  $('coverage-wrap').hidden = name !== 'coverage';
  if (name === 'map' && cy) cy.resize();
  if (name === 'coverage') renderCoverage($('coverage-wrap'), state.year, ctx);
}

// -- export ----------------------------------------------------------------------------
async function exportFile(fmt) {
  const params = viewParams();
  delete params.status;
  delete params.preset;
  const blob = await get(`/v1/export/graph.${fmt}`, params, true);
  download(blob, `graphsvc-map.${fmt === 'csv' ? 'zip' : fmt}`);
}

// -- the read token --------------------------------------------------------------------
function askForToken(wasWrong) {
  return new Promise((resolve) => {
    const dlg = $('token-dialog');
    $('token-error').hidden = !wasWrong;
    $('token-error').textContent = t('token_bad');
    const form = $('token-form');
    const done = (ev) => {
      ev.preventDefault();
      const v = $('token').value.trim();
      if (!v) return;
      setToken(v);
      form.removeEventListener('submit', done);
      dlg.close();
      resolve();
    };
    form.addEventListener('submit', done);
    if (!dlg.open) dlg.showModal();
    $('token').focus();
  });
}

// -- start --------------------------------------------------------------------------
function setLanguage(l) {
  setLang(l);
  if (l === 'en') state.lang = 'en'; else delete state.lang;
  applyWords(document);
  renderPresets();
  if (lastView) {
    renderLegend(lastView); renderRows(lastView); renderList(lastView); renderSummary(lastView);
  }
  if (meta) fillFilters(meta);
  syncControls();
  if (state.sel) selectNode(state.sel, false);
  if (state.tab === 'coverage') renderCoverage($('coverage-wrap'), state.year, ctx);
}

let meta = null;
// the data model (kinds with labels, colours and roles; models; relations), asked for once,
// beside the first view
let modelReady = null;
async function start() {
  onTokenNeeded(askForToken);
  state = readUrl();
  setLang(state.lang || 'zh');
  applyWords(document);
  makeCy();
  modelReady = get('/v1/meta').then((m) => { setModel(m.model); renderPresets(); });
  renderPresets();
  window.graphsvcMap = { get cy() { return cy; }, get state() { return state; },
    get view() { return lastView; }, pngSize: (s) => pngSize(cy, s) };

  for (const [id, key] of [['f-township', 'township'], ['f-model', 'model'], ['f-kind', 'kind'], ['f-status', 'status'], ['f-relation', 'relation']]) {
    $(id).addEventListener('change', (e) => setFilter(key, e.target.value));
  }
  $('year').addEventListener('change', (e) => setFilter('year', e.target.value));
  $('hops').addEventListener('change', (e) => setFilter('hops', e.target.value));
  $('unfocus').addEventListener('click', () => { delete state.ego; delete state.hops; setFilter('ego', ''); });
  $('reset').addEventListener('click', () => { state = { lang: state.lang }; commit(); });
  $('lang').addEventListener('click', () => { setLanguage(getLang() === 'en' ? 'zh' : 'en'); writeUrl(true); });
  $('fit').addEventListener('click', () => { for (const k of ['z', 'px', 'py']) delete state[k]; fitAll(); });
  $('tidy').addEventListener('click', () => {
    cy.layout({ name: 'fcose', randomize: false, quality: 'default', animate: true, animationDuration: 400,
      nodeRepulsion: 6000, idealEdgeLength: 70, fit: true, padding: 30 }).run();
  });
  for (const b of $('tabs').querySelectorAll('button')) {
    b.addEventListener('click', () => { showTab(b.dataset.tab); writeUrl(true); });
  }
  for (const th of $('list').querySelectorAll('th')) {
    th.addEventListener('click', () => {
      if (sortKey === th.dataset.sort) sortDir = -sortDir; else { sortKey = th.dataset.sort; sortDir = 1; }
      renderList(lastView);
    });
  }
  $('export-toggle').addEventListener('click', () => { $('export-menu').hidden = !$('export-menu').hidden; });
  for (const b of $('export-menu').querySelectorAll('button')) {
    b.addEventListener('click', async () => {
      $('export-menu').hidden = true;
      try {
        if (b.dataset.png) await exportPng(cy, Number(b.dataset.png), lastView, state);
        else await exportFile(b.dataset.fmt);
      } catch (err) {
        showMessage([el('b', { text: t('error') }), el('span', { text: err.message })]);
      }
    });
  }
  searchBox($('search'), $('search-results'), (e) => { $('search').value = e.name; focusOn(e.id); });
  searchBox($('path-from'), $('path-results'), (e) => setPathEnd('from', e.id, e.name));
  searchBox($('path-to'), $('path-results'), (e) => setPathEnd('to', e.id, e.name));
  $('path-go').addEventListener('click', findPaths);
  window.addEventListener('popstate', () => {
    const lang = state.lang;
    state = readUrl();
    if ((state.lang || 'zh') !== (lang || 'zh')) setLanguage(state.lang || 'zh');
    renderPresets();
    syncControls();
    showTab(state.tab || 'map');
    load();
  });

  // Every control is wired before the first view is drawn: the page may be used (a click on
  // 导出, say) as soon as the map shows, while the township list is still on its way.
  await Promise.all([load(), modelReady]);
  const towns = ROLES.township
    ? await get('/v1/entities', { kind: ROLES.township, limit: 500 }).catch(() => ({ data: [] }))
    : { data: [] };
  townships = towns.data.map((x) => ({ id: x.id, name: x.name }));
  meta = { kinds: Object.keys(KINDS).filter((k) => roleOf(k) !== 'joint') };
  renderPresets();
  fillFilters(meta);
  syncControls();
  if (state.tab) showTab(state.tab);
}

start().catch((err) => {
  if (!(err instanceof ApiError)) throw err;
  showMessage([el('b', { text: t('error') }), el('span', { text: err.message })]);
});
void query;
