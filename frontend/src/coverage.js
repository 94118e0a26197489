// The coverage dashboard: bars by township and by model beside a table; a bar filters the map.
import { MODELS } from './i18n.js';

export async function renderCoverage(box, year, ctx) {
  const { el, t, label, get } = ctx;
  // the API pages the townships (at most 1000 a page); the district's total covers them all
  const c = await get('/v1/coverage', year ? { year, limit: 1000 } : { limit: 1000 });
  const parts = [el('p', { class: 'hint', text: t('coverage_hint') })];
  if (c.total > c.count) parts.push(el('p', { class: 'hint', id: 'coverage-more', text: t('coverage_more', { n: c.count, total: c.total }) }));
  const pct = (a, b) => (b ? Math.round((100 * a) / b) : 0);
  const bar = (name, value, total, onclick, { cls = '', text = `${value} / ${total}`, title = text, data = {} } = {}) => [
    el('span', { class: 'bar-label', text: name }),
    el('div', { class: 'bar', tabindex: '0', role: 'button', title, onclick,
      onkeydown: (e) => { if (e.key === 'Enter') onclick(); } },
    el('div', { class: `fill ${cls} w${Math.min(100, pct(value, total))}` })),
    el('span', { class: 'bar-value', text, ...data })];

  parts.push(el('h2', { text: t('coverage_township') }));
  const rows = c.by_township.filter((r) => r.villages > 0);
  parts.push(el('div', { class: 'bars', id: 'bars-township' }, ...rows.flatMap((r) => bar(
    r.township.name, r.in_joint_org, r.villages, () => ctx.filter('township', r.township.id)))));
  parts.push(el('h2', { text: t('coverage_model') }));
  const models = c.by_model || [];
  // the villages that practise each model (members of its organisations, or villages a fact
  // tagged with the model is recorded on) out of every village; a model whose organisations
  // list no members says so instead of showing 0
  parts.push(el('div', { class: 'bars', id: 'bars-model' }, ...models.flatMap((m) => {
    const unrecorded = m.membership === 'not recorded';
    const notes = [];
    if (m.villages_by_fact) notes.push(t('by_fact', { n: m.villages_by_fact }));
    if (m.membership === 'partly recorded') notes.push(t('membership_partly'));
    const text = unrecorded ? t('membership_not_recorded')
      : [`${m.villages} / ${c.district.villages}`, ...notes].join(' · ');
    return bar(`${label(MODELS, m.model)} (${m.orgs})`, m.villages, c.district.villages,
      () => ctx.filter('model', m.model), {
        cls: unrecorded ? 'unrecorded' : '', text,
        title: `${text}; ${t('cov_recorded')} ${m.recorded_members}, ${t('cov_declared')} ${m.declared_members}`,
        data: { 'data-model': m.model, 'data-membership': m.membership } });
  })));

  const head = ['township', 'cov_villages', 'cov_in_org', 'cov_weak', 'cov_strong', 'cov_unknown', 'cov_declared', 'cov_recorded'];
  const table = el('table', { id: 'coverage-table' },
    el('thead', {}, el('tr', {}, ...head.map((h, i) => el('th', { class: i ? 'num' : '', text: t(h) })))),
    el('tbody', {}, ...[...rows, { ...c.district, township: { id: '', name: '合计 / total' } }].map((r) => el('tr', {},
      el('td', {}, r.township.id ? el('a', { tabindex: '0', text: r.township.name, onclick: () => ctx.filter('township', r.township.id) }) : el('b', { text: r.township.name })),
      ...[r.villages, r.in_joint_org, r.weak, r.strong, r.unknown, r.declared_members, r.recorded_members]
        .map((v) => el('td', { class: 'num', text: String(v) }))))));
  parts.push(el('h2', { text: `${t('tab_coverage')} · ${c.year}` }), table);
  box.replaceChildren(...parts);
}
