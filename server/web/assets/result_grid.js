// A query result ({columns, rows, truncated} from /api/query) as a table:
// PNG blobs (thumbnails) show as images, a SOP Instance UID column shows the
// instance's thumbnail beside the UID, other BLOBs by their size.

import {instanceThumbnailUrl} from './api.js';
import {h, thumbnail} from './dom.js';

function cell(column, value) {
  if (value === null) return h('td', {class: 'null'}, 'NULL');
  if (typeof value === 'object') {
    if (value.png) return h('td', {}, h('img', {class: 'thumb', alt: 'PNG', src: `data:image/png;base64,${value.png}`}));
    return h('td', {class: 'null'}, `<blob ${value.blob} bytes>`);
  }
  if (typeof value === 'number') return h('td', {class: 'num'}, String(value));
  if (column === 'sop_instance_uid' && /^[0-9.]{1,64}$/.test(value)) {
    return h('td', {}, thumbnail(instanceThumbnailUrl(value), 'thumbnail'), h('span', {class: 'uid'}, value));
  }
  return h('td', {}, value);
}

export function resultGrid(result) {
  return h('table', {class: 'grid result'},
    h('thead', {}, h('tr', {}, result.columns.map((c) => h('th', {scope: 'col'}, c)))),
    h('tbody', {}, result.rows.map((row) => h('tr', {}, row.map((v, k) => cell(result.columns[k], v))))));
}

// CSV (RFC 4180) of a result, NULL as an empty field.
export function toCsv(result) {
  const field = (v) => {
    if (v === null) return '';
    const text = typeof v === 'object' ? `<blob ${v.blob} bytes>` : String(v);
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return [result.columns, ...result.rows].map((row) => row.map(field).join(',')).join('\r\n') + '\r\n';
}

export function toJson(result) {
  return JSON.stringify(result.rows.map((row) =>
    Object.fromEntries(result.columns.map((c, k) => [c, row[k]]))), null, 1);
}

// Offers `text` as a file download.
export function download(name, type, text) {
  const url = URL.createObjectURL(new Blob([text], {type}));
  const link = h('a', {href: url, download: name});
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
