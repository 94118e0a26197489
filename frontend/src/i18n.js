// The page's words, in Chinese (the default) and English.
// The data model's words come from the service (`model` of /v1/meta: the seed's own schema or the
// packaged one), never from here: setModel fills KINDS, MODELS, RELATIONS and ROLES.
export const KINDS = {};      // legend entry -> { zh, en, color, role } ('joint' for joint organisations)
export const MODELS = {};     // model -> { zh, en }
export const RELATIONS = {};  // relation -> { zh, en, role, lead_role, plain_role }
export const ROLES = {};      // role -> kind, and `rel:ROLE` -> relation
const OTHER_COLOR = '#7f7f7f';

export function setModel(model) {
  for (const table of [KINDS, MODELS, RELATIONS, ROLES]) for (const k of Object.keys(table)) delete table[k];
  for (const e of model.legend) {
    KINDS[e.name] = { zh: e.zh, en: e.en, color: e.color || OTHER_COLOR, role: e.joint ? 'joint' : (e.role || 'other') };
  }
  for (const m of model.models) MODELS[m.name] = { zh: m.zh || m.name, en: m.en || m.zh || m.name };
  for (const r of model.relations) RELATIONS[r.name] = { zh: r.zh, en: r.en, role: r.role, lead_role: r.lead_role, plain_role: r.plain_role };
  Object.assign(ROLES, model.roles);
  for (const [role, rel] of Object.entries(model.relation_roles)) ROLES[`rel:${role}`] = rel;
}

// what a kind is to the page (village, township, organisation, joint, partner, place, ...)
export function roleOf(kind) { return (KINDS[kind] && KINDS[kind].role) || 'other'; }

export const STATUS = {
  weak: { zh: '薄弱', en: 'weak', color: '#d7301f' },
  strong: { zh: '强', en: 'strong', color: '#1a9850' },
  unknown: { zh: '未知', en: 'unknown', color: '#999999' },
};

export const GAPS = {
  weak_linked: { zh: '薄弱村联结', en: 'weak village linked' },
  weak_without_strong: { zh: '薄弱村无强联结', en: 'weak, no strong link' },
  village_without_org: { zh: '未加入联合组织', en: 'in no joint organisation' },
  status_unknown: { zh: '状态未知', en: 'status unknown' },
  org_without_strong: { zh: '组织无强成员', en: 'organisation without a strong member' },
  org_without_enterprise_or_university: { zh: '组织无企业或高校', en: 'organisation without enterprise or university' },
};

const WORDS = {
  title: ['房山联建网络图', 'Fangshan joint-building network'],
  search_placeholder: ['搜索：名称、代码、拼音或首字母（如 hsd）', 'Name, code, pinyin or initials (hsd)'],
  year: ['年份', 'Year'],
  focus: ['聚焦', 'Focus'],
  depth: ['步数', 'Steps'],
  clear: ['清除', 'Clear'],
  export: ['导出', 'Export'],
  png2: ['PNG 图片 2×', 'PNG image 2×'],
  png4: ['PNG 图片 4×', 'PNG image 4×'],
  export_hint: ['文件导出使用同样的乡镇、模式、类别、关系与聚焦筛选（状态与预设只作用于图面）。',
    'File exports use the same township, model, kind, relation and focus filters (status and presets apply to the map only).'],
  presets: ['预设', 'Presets'],
  legend: ['图例', 'Legend'],
  legend_hint: ['点击类别：淡化 → 隐藏 → 显示', 'Click a kind: fade → hide → show'],
  filters: ['筛选', 'Filters'],
  township: ['乡镇街道', 'Township'],
  model: ['联建模式', 'Model'],
  kind: ['类别', 'Kind'],
  status: ['状态', 'Status'],
  relation: ['关系', 'Relation'],
  reset: ['全部重置', 'Reset all'],
  all: ['全部', 'All'],
  path_tool: ['路径', 'Paths'],
  path_from: ['起点', 'From'],
  path_to: ['终点', 'To'],
  path_go: ['查找最短路径', 'Find shortest paths'],
  path_none: ['两者之间没有路径。', 'No path between them.'],
  path_pick: ['请先选择起点和终点。', 'Choose both ends first.'],
  tab_map: ['网络图', 'Map'],
  tab_list: ['列表', 'List'],
  tab_coverage: ['覆盖情况', 'Coverage'],
  fit: ['全图', 'Fit'],
  tidy: ['整理布局', 'Tidy layout'],
  col_name: ['名称', 'Name'],
  col_kind: ['类别', 'Kind'],
  col_township: ['乡镇街道', 'Township'],
  col_status: ['状态', 'Status'],
  col_degree: ['联系数', 'Links'],
  panel_hint: ['点击地图上的实体查看详情。', 'Click an entity on the map for its details.'],
  token_title: ['需要访问令牌', 'Access token needed'],
  token_text: ['此服务设置了读取令牌。请输入令牌（只保存在本浏览器会话中）。',
    'This service needs a read token. Enter it (kept for this browser session only).'],
  token_ok: ['确定', 'OK'],
  token_bad: ['令牌无效，请重试。', 'The token is not valid; try again.'],
  preset_all: ['全部', 'Everything'],
  preset_weak_linked: ['薄弱村联结', 'Weak villages linked'],
  preset_gaps: ['空白', 'Gaps'],
  rows_weak_linked: ['薄弱村及其联结的强实体', 'Weak villages and the strong entities they link to'],
  rows_gaps: ['空白（缺口）', 'Gaps'],
  rows_first: ['（列出前 {n} 条）', '(the first {n} listed)'],
  entities: ['个实体', 'entities'],
  links: ['条联系', 'links'],
  truncated: ['当前选择有 {n} 个实体，超过图面能清楚显示的 {limit} 个。请缩小范围：', '{n} entities match, more than the map draws clearly ({limit}). Narrow the view:'],
  narrow_township: ['选择一个乡镇街道', 'choose a township'],
  empty: ['没有符合条件的实体。', 'Nothing matches these filters.'],
  loading: ['加载中…', 'Loading…'],
  error: ['出错：', 'Error: '],
  code: ['代码', 'Code'],
  kind_label: ['类别', 'Kind'],
  township_label: ['乡镇', 'Township'],
  status_label: ['状态', 'Status'],
  evidence: ['依据', 'Evidence'],
  no_evidence: ['没有判定依据（资料中无相关记录）。', 'No evidence (the sources record nothing that decides).'],
  facts: ['事实与来源', 'Facts and sources'],
  orgs: ['组织与角色', 'Organisations and roles'],
  members: ['成员', 'Members'],
  advice: ['结对建议', 'Pairing advice'],
  tree: ['组织树', 'Organisation tree'],
  relations: ['关系', 'Relations'],
  focus_here: ['聚焦此实体', 'Focus on it'],
  path_from_here: ['设为路径起点', 'Path from here'],
  path_to_here: ['设为路径终点', 'Path to here'],
  note: ['说明', 'Note'],
  aliases: ['别名', 'Aliases'],
  sources: ['来源', 'Sources'],
  coverage_township: ['按乡镇街道：加入联合组织的村', 'By township: villages in joint organisations'],
  coverage_model: ['按联建模式：实行该模式的村（成员或事实记录；括号内为组织数）', 'By model: villages practising it (as members or by a recorded fact; organisations in brackets)'],
  membership_not_recorded: ['成员未记录', 'membership not recorded'],
  membership_partly: ['部分成员未记录', 'membership partly recorded'],
  by_fact: ['据事实 {n}', '{n} by fact'],
  coverage_hint: ['点击条形图即在网络图上筛选。', 'Click a bar to filter the map.'],
  coverage_more: ['仅显示前 {n} 个乡镇街道（共 {total} 个）；合计为全部。', 'Showing the first {n} of {total} townships; the total covers them all.'],
  cov_villages: ['村数', 'Villages'],
  cov_in_org: ['已加入', 'In joint org'],
  cov_weak: ['薄弱', 'Weak'],
  cov_strong: ['强', 'Strong'],
  cov_unknown: ['未知', 'Unknown'],
  cov_orgs: ['组织数', 'Orgs'],
  cov_declared: ['申报成员', 'Declared'],
  cov_recorded: ['已记录成员', 'Recorded'],
  data_version: ['数据版本', 'data version'],
  generated: ['生成日期', 'date'],
  png_title: ['房山联建网络图', 'Fangshan joint-building network'],
  role_lead: ['龙头', 'lead'],
  score: ['得分', 'score'],
  ambiguous: ['同名实体有多个，请选择：', 'Several entities have this name; choose one:'],
  no_match: ['没有找到', 'No match'],
};

let lang = 'zh';
export function setLang(l) { lang = l === 'en' ? 'en' : 'zh'; }
export function getLang() { return lang; }
export function t(key, vars) {
  const w = WORDS[key];
  let s = w ? w[lang === 'en' ? 1 : 0] : key;
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.replace(`{${k}}`, String(v));
  return s;
}
export function label(table, key) {
  const e = table[key];
  return e ? e[lang] : key;
}
export function applyWords(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
  document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
  document.title = `${t('title')} · graphsvc`;
}
