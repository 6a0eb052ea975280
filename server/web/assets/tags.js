// The header of an instance as a searchable tag table: tag, keyword (from
// the index's PS3.6 dictionary), VR and value, with the items of sequences
// nested below their attribute.

import {keywords} from './api.js';
import {tagLabel, text} from './dicom.js';
import {h, message, replace} from './dom.js';

// Flattens a DICOM JSON object into rows {depth, tag, vr, value, parents}
// (parents: the tags of the sequences around the attribute).
function rows(object, depth = 0, out = [], parents = []) {
  for (const tag of Object.keys(object).sort()) {
    const attribute = object[tag];
    if (attribute.vr === 'SQ') {
      const items = attribute.Value ?? [];
      out.push({depth, tag, vr: 'SQ', value: `${items.length} item${items.length === 1 ? '' : 's'}`, parents});
      items.forEach((item, k) => {
        out.push({depth: depth + 1, tag: '', vr: '', value: `item ${k + 1}`, item: true, parents});
        rows(item ?? {}, depth + 2, out, [...parents, tag]);
      });
    } else {
      out.push({depth, tag, vr: attribute.vr ?? '', value: text(attribute), parents});
    }
  }
  return out;
}

export async function renderTagTable(container, header) {
  let names = {};
  try {
    names = await keywords();
  } catch (error) {
    container.append(message('error', `The dictionary could not be read: ${error.message}`));
  }
  const all = rows(header).map((row) => ({...row, keyword: row.tag ? names[row.tag] ?? '' : '',
    within: row.parents.map((t) => names[t] ?? t).join(' › ')}));
  const search = h('input', {type: 'search', placeholder: 'Find a tag, keyword or value',
                             'aria-label': 'Find in the header', class: 'tag-search'});
  const body = h('tbody');
  const count = h('span', {class: 'count'});
  const show = () => {
    const needle = search.value.trim().toLowerCase();
    const hits = needle === '' ? all : all.filter((row) =>
      [row.tag, tagLabel(row.tag || '00000000'), row.keyword, row.within, row.value]
        .some((v) => v.toLowerCase().includes(needle)));
    count.textContent = `${hits.length} of ${all.length}`;
    replace(body, hits.map((row) => h('tr', {class: `depth-${Math.min(row.depth, 6)}${row.item ? ' item' : ''}`},
      h('td', {class: 'tag'}, row.tag ? tagLabel(row.tag) : ''),
      h('td', {class: 'keyword'}, row.keyword,
        row.within && !row.item ? h('small', {class: 'within'}, ` in ${row.within}`) : null),
      h('td', {}, row.vr),
      h('td', {class: 'value'}, row.value))));
  };
  search.addEventListener('input', show);
  show();
  replace(container, h('div', {class: 'tag-tools'}, search, count),
    h('table', {class: 'grid tags'},
      h('thead', {}, h('tr', {}, ['Tag', 'Keyword', 'VR', 'Value'].map((t) => h('th', {scope: 'col'}, t)))),
      body));
}
