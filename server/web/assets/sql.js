// The SQL console: one read-only statement at a time through the server's
// query engine (POST /api/query, the same as `pixeldex query`), the result
// as a grid, CSV/JSON export, and a chart of a label column against a
// numeric column. Ctrl+Enter runs.

import {sql} from './api.js';
import {chart, looksLikeDates} from './chart.js';
import {h, message, replace} from './dom.js';
import {download, resultGrid, toCsv, toJson} from './result_grid.js';

const EXAMPLES = [
  ['Studies per day and modality',
   "SELECT study_date, count(*) AS studies FROM study_summary GROUP BY study_date ORDER BY study_date"],
  ['Instances per modality',
   "SELECT modality, count(*) AS instances FROM instance_details GROUP BY modality ORDER BY 2 DESC"],
  ['Bytes per sender',
   "SELECT coalesce(calling_aet, source) AS sender, sum(size_bytes) AS bytes FROM instances GROUP BY 1 ORDER BY 2 DESC"],
  ['Thumbnails of the latest instances',
   "SELECT sop_instance_uid, status, width, height, png FROM thumbnail_images ORDER BY instance_pk DESC LIMIT 20"],
  ['Slice thickness of CT images',
   "SELECT sop_instance_uid, value AS slice_thickness FROM tags WHERE keyword = 'SliceThickness' LIMIT 100"],
];

let lastStatement = EXAMPLES[0][1];

export function renderSql(view) {
  const editor = h('textarea', {class: 'sql', rows: 6, spellcheck: 'false', 'aria-label': 'SQL statement'});
  editor.value = lastStatement;
  const examples = h('select', {'aria-label': 'Examples'},
    h('option', {value: ''}, 'Examples…'), EXAMPLES.map(([label, text]) => h('option', {value: text}, label)));
  examples.addEventListener('change', () => {
    if (examples.value) editor.value = examples.value;
    examples.value = '';
    editor.focus();
  });
  const run = h('button', {type: 'button', class: 'primary'}, 'Run');
  const output = h('section', {class: 'sql-output', 'aria-live': 'polite'});
  replace(view, h('h1', {}, 'SQL'),
    h('p', {class: 'hint'}, 'Read-only SQL over the index (tables patients, studies, series, instances, ' +
      'headers, thumbnails, associations, events; views study_summary, series_summary, instance_details, ' +
      'tags, thumbnail_images). Ctrl+Enter runs.'),
    editor, h('div', {class: 'toolbar'}, run, examples), output);

  async function execute() {
    lastStatement = editor.value;
    run.disabled = true;
    replace(output, message('note', 'Running…'));
    try {
      showResult(output, await sql(editor.value));
    } catch (error) {
      replace(output, message('error', error.message));
    } finally {
      run.disabled = false;
    }
  }
  run.addEventListener('click', execute);
  editor.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      execute();
    }
  });
  editor.focus();
  return {};
}

function showResult(output, result) {
  const summary = `${result.rows.length} row${result.rows.length === 1 ? '' : 's'}` +
    (result.truncated ? ' (more were cut off by the row limit)' : '');
  const exports = h('span', {class: 'exports'},
    h('button', {type: 'button', onclick: () => download('result.csv', 'text/csv', toCsv(result))}, 'CSV'),
    h('button', {type: 'button', onclick: () => download('result.json', 'application/json', toJson(result))}, 'JSON'));
  replace(output, h('div', {class: 'toolbar'}, h('span', {class: 'count'}, summary), exports),
    chartControls(result), h('div', {class: 'scroll'}, resultGrid(result)));
}

function chartControls(result) {
  const numeric = result.columns.map((_, k) => k).filter((k) =>
    result.rows.length > 0 && result.rows.every((r) => r[k] === null || typeof r[k] === 'number'));
  if (numeric.length === 0 || result.columns.length < 2) return null;
  const labelColumn = result.columns.findIndex((_, k) => !numeric.includes(k));
  const select = (options, chosen) => h('select', {},
    options.map((k) => h('option', {value: k, selected: k === chosen}, result.columns[k])));
  const labels = select(result.columns.map((_, k) => k), labelColumn >= 0 ? labelColumn : 0);
  const values = select(numeric, numeric.find((k) => k !== Number(labels.value)) ?? numeric[0]);
  const kind = h('select', {}, h('option', {value: 'auto'}, 'auto'), h('option', {value: 'bar'}, 'bars'),
    h('option', {value: 'line'}, 'line'));
  const box = h('figure', {class: 'chart-box'});
  const draw = () => {
    const l = Number(labels.value);
    const v = Number(values.value);
    const points = result.rows.slice(0, 500).map((r) => ({label: r[l] ?? 'NULL', value: Number(r[v] ?? 0)}));
    const type = kind.value === 'auto' ? (looksLikeDates(points.map((p) => p.label)) ? 'line' : 'bar') : kind.value;
    replace(box, chart(points, type),
      h('figcaption', {}, `${result.columns[v]} by ${result.columns[l]}${result.rows.length > 500 ? ' (first 500 rows)' : ''}`));
  };
  for (const control of [labels, values, kind]) control.addEventListener('change', draw);
  draw();
  return h('div', {class: 'chart-area'},
    h('div', {class: 'toolbar'}, h('label', {}, 'Chart ', values), h('label', {}, ' by ', labels),
      h('label', {}, ' as ', kind)), box);
}
