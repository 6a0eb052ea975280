// The archive's HTTP API as the page uses it: QIDO-RS and WADO-RS under
// /dicom-web (PS3.18), and the small JSON API under /api. The browser sends
// the credentials it was given for this origin with every request.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function failure(response) {
  let text = await response.text();
  try {
    text = JSON.parse(text).error ?? text;
  } catch {
    // a plain-text reason
  }
  return new ApiError(response.status, `${response.status}: ${text.trim()}`);
}

async function getJson(url, accept = 'application/json') {
  const response = await fetch(url, {headers: {Accept: accept}});
  if (response.status === 204) return [];  // QIDO: no match (PS3.18 8.3.4.4.1)
  if (!response.ok) throw await failure(response);
  return response.json();
}

// QIDO-RS search; `params` is an object of query parameters (empty ones are
// left out). Resolves to an array of DICOM JSON objects.
export function qido(path, params = {}) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') query.append(key, value);
  }
  const suffix = query.toString() ? `?${query}` : '';
  return getJson(`/dicom-web/${path}${suffix}`, 'application/dicom+json');
}

export function metadata(studyUid, seriesUid, instanceUid) {
  return getJson(`${resourcePath(studyUid, seriesUid, instanceUid)}/metadata`,
                 'application/dicom+json');
}

// /dicom-web/studies/{s}[/series/{se}[/instances/{i}]]
export function resourcePath(studyUid, seriesUid, instanceUid) {
  let path = `/dicom-web/studies/${encodeURIComponent(studyUid)}`;
  if (seriesUid) path += `/series/${encodeURIComponent(seriesUid)}`;
  if (instanceUid) path += `/instances/${encodeURIComponent(instanceUid)}`;
  return path;
}

export function thumbnailUrl(studyUid, seriesUid, instanceUid) {
  return `${resourcePath(studyUid, seriesUid, instanceUid)}/thumbnail`;
}

// WADO-RS rendered frame (PS3.18 10.4.1.1.3), window = [center, width].
export function renderedFrameUrl(studyUid, seriesUid, instanceUid, frame, window) {
  const base = `${resourcePath(studyUid, seriesUid, instanceUid)}/frames/${frame}/rendered`;
  return window ? `${base}?window=${Math.round(window[0])},${Math.round(window[1])}` : base;
}

export function instanceFacts(uid) {
  return getJson(`/api/instances/${encodeURIComponent(uid)}`);
}

export function instanceFileUrl(uid) {
  return `/api/instances/${encodeURIComponent(uid)}/file`;
}

export function seriesSummary(uid) {
  return getJson(`/api/series/${encodeURIComponent(uid)}`);
}

export function seriesFilesUrl(uid) {
  return `/api/series/${encodeURIComponent(uid)}/files`;
}

export function instanceThumbnailUrl(uid) {
  return `/api/instances/${encodeURIComponent(uid)}/thumbnail`;
}

export function changes() {
  return getJson('/api/changes');
}

let dictionary = null;
// {"GGGGEEEE": "Keyword"}, fetched once.
export function keywords() {
  dictionary ??= getJson('/api/dictionary');
  return dictionary;
}

let database = null;
// Which SQL the console speaks: 'sqlite' or 'postgresql', fetched once.
export async function indexDatabase() {
  database ??= getJson('/api/index');
  return (await database).database;
}

// Read-only SQL through the server's query engine: {columns, rows, truncated}.
export async function sql(statement, maxRows = 1000) {
  const response = await fetch('/api/query', {
    method: 'POST',
    headers: {'Content-Type': 'application/json', Accept: 'application/json'},
    body: JSON.stringify({sql: statement, max_rows: maxRows}),
  });
  if (!response.ok) throw await failure(response);
  return response.json();
}
