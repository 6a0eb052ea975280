// The studies list: QIDO-RS SearchForStudies with the filters of the form,
// a page at a time, sortable by any column within the page; each row shows
// the study's thumbnail (WADO-RS Thumbnail) and opens the study.

import {qido, thumbnailUrl} from './api.js';
import {Tag, date, first, personName} from './dicom.js';
import {h, message, replace, thumbnail} from './dom.js';

const PAGE = 25;

const COLUMNS = [
  {label: 'Patient', value: (s) => personName(first(s, Tag.PatientName))},
  {label: 'Patient ID', value: (s) => first(s, Tag.PatientID)},
  {label: 'Birth date', value: (s) => date(first(s, Tag.PatientBirthDate))},
  {label: 'Study date', value: (s) => date(first(s, Tag.StudyDate))},
  {label: 'Description', value: (s) => first(s, Tag.StudyDescription)},
  {label: 'Accession', value: (s) => first(s, Tag.AccessionNumber)},
  {label: 'Modalities', value: (s) => (s[Tag.ModalitiesInStudy]?.Value ?? []).join(', ')},
  {label: 'Series', value: (s) => Number(first(s, Tag.NumberOfStudyRelatedSeries)), numeric: true},
  {label: 'Instances', value: (s) => Number(first(s, Tag.NumberOfStudyRelatedInstances)), numeric: true},
];

// Kept while the page is open (not in the URL: filters may name patients).
const state = {filters: {}, offset: 0, sort: null, descending: false};

function searchParameters() {
  const f = state.filters;
  const contains = (v) => (v ? `*${v}*` : '');
  const range = f.from || f.to ? `${(f.from ?? '').replaceAll('-', '')}-${(f.to ?? '').replaceAll('-', '')}` : '';
  // Any other attribute the index holds, as QIDO takes it: Keyword=value.
  const [, key, value] = (f.attribute ?? '').match(/^\s*([A-Za-z0-9]+)\s*=\s*(.*)$/) ?? [];
  return {
    ...(key ? {[key]: value} : {}),
    PatientName: f.name ? `*${f.name}*` : '',
    PatientID: f.id ? `${f.id}*` : '',
    StudyDate: range,
    ModalitiesInStudy: f.modality?.toUpperCase(),
    AccessionNumber: f.accession ? `${f.accession}*` : '',
    StudyDescription: contains(f.description),
    includefield: 'PatientBirthDate,StudyDescription,ModalitiesInStudy,' +
      'NumberOfStudyRelatedSeries,NumberOfStudyRelatedInstances',
    limit: PAGE + 1,  // one more: is there a next page?
    offset: state.offset,
  };
}

export function renderStudies(view) {
  const field = (name, label, type = 'search') =>
    h('label', {}, label, h('input', {name, type, value: state.filters[name] ?? '', autocomplete: 'off'}));
  const form = h('form', {class: 'filters', role: 'search'},
    field('name', 'Patient name'), field('id', 'Patient ID'),
    field('from', 'Study date from', 'date'), field('to', 'to', 'date'),
    field('modality', 'Modality'), field('accession', 'Accession'),
    field('description', 'Description'),
    h('label', {}, 'Any attribute', h('input', {name: 'attribute', type: 'search', value: state.filters.attribute ?? '',
      placeholder: 'Keyword=value, e.g. BodyPartExamined=CHEST', autocomplete: 'off', class: 'wide'})),
    h('button', {type: 'submit'}, 'Search'),
    h('button', {type: 'reset'}, 'Clear'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    state.filters = Object.fromEntries(new FormData(form));
    state.offset = 0;
    refresh();
  });
  form.addEventListener('reset', () => {
    state.filters = {};
    state.offset = 0;
    queueMicrotask(refresh);
  });
  const results = h('section', {class: 'results', 'aria-live': 'polite'});
  replace(view, h('h1', {}, 'Studies'), form, results);

  async function refresh() {
    let studies;
    try {
      studies = await qido('studies', searchParameters());
    } catch (error) {
      replace(results, message('error', `The search failed: ${error.message}`));
      return;
    }
    const more = studies.length > PAGE;
    showPage(results, studies.slice(0, PAGE), more, refresh);
  }
  refresh();
  return {refresh};  // the live poll calls it when instances arrive
}

function sorted(studies) {
  if (state.sort === null) return studies;
  const column = COLUMNS[state.sort];
  const order = state.descending ? -1 : 1;
  return [...studies].sort((a, b) => {
    const x = column.value(a);
    const y = column.value(b);
    return (column.numeric ? x - y : String(x).localeCompare(String(y))) * order;
  });
}

function showPage(results, studies, more, refresh) {
  if (studies.length === 0) {
    replace(results, message('empty', state.offset ? 'No more studies.' : 'No study matches.'));
    return;
  }
  const header = h('tr', {}, h('th', {}, ''), COLUMNS.map((c, k) => {
    const mark = state.sort === k ? (state.descending ? ' ▼' : ' ▲') : '';
    return h('th', {scope: 'col', class: c.numeric ? 'num' : ''},
      h('button', {type: 'button', class: 'sort', onclick: () => {
        state.descending = state.sort === k ? !state.descending : false;
        state.sort = k;
        showPage(results, studies, more, refresh);
      }}, c.label + mark));
  }));
  const rows = sorted(studies).map((study) => {
    const uid = first(study, Tag.StudyInstanceUID);
    const link = `#/study/${encodeURIComponent(uid)}`;
    return h('tr', {class: 'study', 'data-study': uid},
      h('td', {}, h('a', {href: link, tabindex: -1}, thumbnail(thumbnailUrl(uid), 'study thumbnail'))),
      COLUMNS.map((c, k) => h('td', {class: c.numeric ? 'num' : ''},
        k === 0 ? h('a', {href: link}, c.value(study) || '(no name)') : c.value(study))));
  });
  const pager = h('nav', {class: 'pager'},
    h('button', {type: 'button', disabled: state.offset === 0, onclick: () => {
      state.offset = Math.max(0, state.offset - PAGE);
      refresh();
    }}, '← Previous'),
    h('span', {}, `Studies ${state.offset + 1}–${state.offset + studies.length}`),
    h('button', {type: 'button', disabled: !more, onclick: () => {
      state.offset += PAGE;
      refresh();
    }}, 'Next →'));
  replace(results, h('table', {class: 'grid studies'}, h('thead', {}, header), h('tbody', {}, rows)), pager);
}
