// The side panel: everything the service knows about one entity, with sources.
import { KINDS, STATUS, RELATIONS, getLang, roleOf } from './i18n.js';

const money = (v, unit) => (unit === 'yuan' && v >= 10000 ? `${(v / 10000).toLocaleString()} 万元` : `${v}${unit ? ` ${unit}` : ''}`);

export async function renderPanel(box, id, year, ctx) {
  const { el, t, label, get } = ctx;
  const params = year ? { year } : {};
  // a member's role beside its name: the lead one (龙头) in words, the plain one not at all
  const roleNote = (relation, role) => {
    const r = RELATIONS[relation] || {};
    if (!role || role === r.plain_role) return null;
    return el('small', { text: ` (${role === r.lead_role ? t('role_lead') : role})` });
  };
  const e = await get(`/v1/entities/${encodeURIComponent(id)}`, params);
  const st = e.status || { status: 'unknown', evidence: [] };
  const parts = [];
  parts.push(el('h2', { class: 'name', text: e.name }));
  parts.push(el('div', { class: 'actions' },
    el('button', { type: 'button', text: t('focus_here'), onclick: () => ctx.focus(e.id) }),
    el('button', { type: 'button', text: t('path_from_here'), onclick: () => ctx.setPath('from', e.id, e.name) }),
    el('button', { type: 'button', text: t('path_to_here'), onclick: () => ctx.setPath('to', e.id, e.name) })));
  const dl = el('dl');
  const row = (k, v) => { if (v) dl.append(el('dt', { text: k }), el('dd', {}, v)); };
  row(t('code'), el('span', { text: e.attributes.code || e.id }));
  row(t('kind_label'), el('span', { text: `${label(KINDS, e.kind)}${e.subtype ? ` · ${e.subtype}` : ''}` }));
  row(t('township_label'), e.township_name ? el('a', { text: e.township_name, tabindex: '0',
    onclick: () => ctx.select(e.township) }) : null);
  row(t('status_label'), el('span', { class: `badge ${st.status}`, text: `${label(STATUS, st.status)} · ${st.year}` }));
  if (e.aliases && e.aliases.length) row(t('aliases'), el('span', { text: e.aliases.join('、') }));
  parts.push(dl);

  // status evidence: one click away (open by default when there is any)
  const ev = el('details', { open: st.evidence.length ? true : null, class: 'evidence' },
    el('summary', { text: `${t('evidence')} (${st.evidence.length})` }));
  if (!st.evidence.length) ev.append(el('p', { class: 'hint', text: t('no_evidence') }));
  for (const x of st.evidence) {
    ev.append(el('p', {}, el('b', { text: `${x.key}${x.value != null ? ` = ${money(x.value, x.unit)}` : ''}` }),
      el('span', { text: ` · ${x.year}` }), el('span', { class: 'src', 'data-source': x.source, text: x.source }),
      el('br'), el('small', { text: x.rule_description })));
  }
  parts.push(ev);

  if (e.facts.length) {
    const ul = el('ul', { class: 'facts' });
    for (const f of e.facts) {
      const src = f.source && typeof f.source === 'object' ? f.source : { id: f.source, title: '' };
      ul.append(el('li', {}, el('span', { text: `${f.key}${f.value != null ? `：${money(f.value, f.unit)}` : ''}` }),
        el('span', { text: f.year ? ` (${f.year})` : '' }),
        el('span', { class: 'src', 'data-source': src.id, title: src.title || '', text: src.id }),
        f.note ? el('small', { text: ` ${f.note}` }) : null));
    }
    parts.push(el('h3', { text: t('facts') }), ul);
  }

  // organisations and roles: every link with its role and source
  const hood = await get(`/v1/entities/${encodeURIComponent(id)}/neighbors`, { hops: 1 }).catch(() => null);
  if (hood && hood.data.length) {
    const groups = new Map();
    for (const n of hood.data) {
      const v = n.via;
      const key = `${RELATIONS[v.relation] ? label(RELATIONS, v.relation) : v.label} ${v.forward ? '→' : '←'}`;
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(n);
    }
    const rels = el('div', { class: 'relations' });
    for (const [key, list] of groups) {
      const ul = el('ul');
      for (const n of list.slice(0, 200)) {
        const v = n.via;
        ul.append(el('li', {}, el('a', { tabindex: '0', text: n.entity.name, onclick: () => ctx.select(n.entity.id) }),
          roleNote(v.relation, v.role),
          v.since ? el('small', { text: ` ${v.since}–${v.until || ''}` }) : null,
          v.cite ? el('span', { class: 'src', 'data-source': v.cite, text: v.cite }) : null));
      }
      rels.append(el('details', { open: list.length <= 8 ? true : null },
        el('summary', { text: `${key} (${list.length})` }), ul));
    }
    parts.push(el('h3', { text: t('orgs') }), rels);
  }
  if (e.attributes.note) parts.push(el('h3', { text: t('note') }), el('p', { class: 'hint', text: e.attributes.note }));
  box.replaceChildren(...parts);

  // more, from the other endpoints: members, pairing advice, organisation tree
  if (roleOf(e.kind) === 'organisation') {
    const m = await get(`/v1/organisations/${encodeURIComponent(e.id)}/members`, params).catch(() => null);
    if (m && m.data.length) {
      const ul = el('ul', { class: 'members' }, ...m.data.map((x) => el('li', {},
        el('a', { tabindex: '0', text: x.entity.name, onclick: () => ctx.select(x.entity.id) }),
        el('small', { text: ` ${x.role_label} · ` }), el('span', { class: `badge ${x.status}`, text: label(STATUS, x.status) }),
        x.cite ? el('span', { class: 'src', text: x.cite }) : null)));
      box.append(el('h3', { text: `${t('members')} (${m.data.length})${m.model_label ? ` · ${m.model_label}` : ''}` }), ul);
    }
  }
  if (roleOf(e.kind) === 'village') {
    const r = await get(`/v1/entities/${encodeURIComponent(e.id)}/recommendations`, { ...params, limit: 5 }).catch(() => null);
    if (r && r.data.length) {
      const ol = el('ol', { class: 'advice' });
      for (const c of r.data) {
        const scores = c.principles.map((p) => `${getLang() === 'en' ? p.principle : p.zh} ${p.score == null ? '–' : p.score.toFixed(2)}`).join(' · ');
        ol.append(el('li', {}, el('a', { tabindex: '0', text: c.entity.name, onclick: () => ctx.select(c.entity.id) }),
          el('span', { class: 'score', text: ` ${t('score')} ${c.score.toFixed(2)} ` }),
          el('span', { class: `badge ${c.status}`, text: label(STATUS, c.status) }), el('br'), el('small', { text: scores })));
      }
      box.append(el('h3', { text: t('advice') }), ol);
    }
  }
  if (['township', 'district', 'organisation'].includes(roleOf(e.kind))) {
    const tr = await get(`/v1/entities/${encodeURIComponent(e.id)}/tree`, { depth: 2 }).catch(() => null);
    if (tr && tr.root.children.length) {
      const grow = (node) => el('li', {}, el('a', { tabindex: '0', text: node.entity.name, onclick: () => ctx.select(node.entity.id) }),
        roleNote(node.relation, node.role),
        node.children.length ? el('ul', {}, ...node.children.slice(0, 60).map(grow)) : null);
      box.append(el('details', { class: 'tree' }, el('summary', { text: t('tree') }), el('ul', {}, grow(tr.root))));
    }
  }
}
