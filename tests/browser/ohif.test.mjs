// The OHIF viewer against pixeldex, as a site would deploy it: OHIF's
// prebuilt static site (npm's @ohif/app, its dist/) served from one origin,
// the real pixeldex binary's DICOMweb from another, and between them only
// what the README prescribes: the OHIF configuration in
// config/ohif/app-config.js (the README shows that file; a test here keeps
// the two equal) and http.cors_origins naming the viewer's origin. Headless
// chromium (web security on, as always) opens the study list and a study
// from a pixeldex without users on loopback, and a viewer link with
// &token= from a pixeldex that wants a bearer token of http.tokens; every
// request OHIF makes to pixeldex must succeed, the console must stay free
// of CORS and other errors, and the viewport must show the image.
// Screenshots go to $PIXELDEX_BROWSER_ARTIFACTS/ohif. Synchronisation is on
// page state only (Playwright's waits), never on sleeps.

import assert from 'node:assert/strict';
import {mkdirSync, readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {dirname, join} from 'node:path';
import {after, before, test} from 'node:test';
import {Archive, newToken} from './support/archive.mjs';
import {launchBrowser} from './support/browsers.mjs';
import {StaticSite} from './support/static_site.mjs';

const ARTIFACTS = join(process.env.PIXELDEX_BROWSER_ARTIFACTS ??
  new URL('../../build/tests/browser/artifacts', import.meta.url).pathname, 'ohif');
const OHIF_DIST = join(dirname(createRequire(import.meta.url).resolve('@ohif/app/package.json')), 'dist');
const CONFIG_FILE = new URL('../../config/ohif/app-config.js', import.meta.url);
const README = new URL('../../README.md', import.meta.url);
// The placeholders of config/ohif/app-config.js that a deployment replaces.
const EXAMPLE_PIXELDEX = 'http://127.0.0.1:8080';
const EXAMPLE_VIEWER = 'http://localhost:3000';
const WAIT = {timeout: 120000};  // a cold OHIF start on a loaded machine

let browser;
let open;     // pixeldex without users on loopback, and its viewer
let guarded;  // pixeldex that wants a bearer token, and its viewer
let token;
let page;
let doe;
let roe;
const dicomweb = [];      // {method, url, status} of every request to pixeldex
const failures = [];      // requests to pixeldex the browser gave up on (CORS, network)
const consoleErrors = [];

// Takes a screenshot, first closing OHIF's notices that cover the page if
// they are shown (its "investigational use" banner, its first-visit tour).
// The tour may open at any moment, over the banner too, whose button then
// cannot be clicked: a click that times out is tried again after the tour
// is skipped, until no notice shows (five rounds at most).
async function shot(name) {
  for (let round = 0; round < 5; ++round) {
    let shown = false;
    for (const button of ['Skip all', 'Confirm and hide']) {
      const notice = page.getByText(button, {exact: true});
      if (!(await notice.isVisible())) continue;
      shown = true;
      try {
        await notice.click({timeout: 5000});
      } catch (e) {
        if (e.name !== 'TimeoutError') throw e;
      }
    }
    if (!shown) {
      await page.screenshot({path: join(ARTIFACTS, `${name}.png`)});
      return;
    }
  }
  throw new Error(`OHIF's notices still cover the page after five rounds (${name})`);
}

// A pixeldex (DICOMweb without users, and `settings`) and OHIF's site on
// another origin, configured as the README says: its app-config.js, the
// example address replaced, and the viewer's origin in http.cors_origins.
async function deploy(settings = []) {
  const overrides = {};
  const site = await StaticSite.start(OHIF_DIST, overrides);
  const archive = await Archive.start({user: null, settings: [`http.cors_origins=${site.origin}`, ...settings]});
  overrides['/app-config.js'] = readFileSync(CONFIG_FILE, 'utf8')
    .replaceAll(EXAMPLE_PIXELDEX, archive.url.replace(/\/$/, ''));
  return {site, archive};
}

// A new page that records what it asks of any pixeldex here, and its
// console errors.
async function newPage() {
  // No service worker: each request OHIF makes goes to the network, and
  // so into this test's record.
  const context = await browser.newContext({viewport: {width: 1400, height: 900}, serviceWorkers: 'block'});
  const result = await context.newPage();
  const toPixeldex = (url) => [open, guarded].some((d) => url.startsWith(d.archive.url));
  result.on('response', (r) => {
    if (!toPixeldex(r.url())) return;
    const authorization = r.request().headers().authorization ?? null;
    dicomweb.push({method: r.request().method(), url: r.url(), status: r.status(), authorization});
  });
  // net::ERR_ABORTED is the page cancelling a request it no longer needs
  // (cornerstone drops prefetches of frames); a CORS refusal or a broken
  // answer is any other error.
  result.on('requestfailed', (r) => {
    const error = r.failure()?.errorText;
    if (toPixeldex(r.url()) && error !== 'net::ERR_ABORTED') failures.push(`${r.method()} ${r.url()}: ${error}`);
  });
  result.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(`${m.text()} (${m.location().url})`);
  });
  result.on('pageerror', (e) => consoleErrors.push(String(e)));
  return result;
}

// The requests of `archive` whose path matches `pattern`.
function requestsTo(archive, pattern) {
  return dicomweb.filter((r) => r.url.startsWith(archive.url) && pattern.test(new URL(r.url).pathname));
}

// Resolves, once the viewport's canvas shows an instance's bright square
// (4000 under the stored window 2000/4000) starting elsewhere than
// `unlike` (each instance has its square in its own place), with what the
// canvas shows: how many distinct gray levels, the share of its pixels that
// are bright and that are dark (the gradient's low end), and where the
// square starts (the first bright pixel).
async function viewportDrawn(unlike = -1) {
  const drawn = await page.waitForFunction((other) => {
    const canvas = document.querySelector('canvas.cornerstone-canvas');
    if (!canvas || canvas.width === 0 || canvas.height === 0) return false;
    const {data} = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    const levels = new Set();
    let bright = 0;
    let dark = 0;
    let square = -1;
    for (let i = 0; i < data.length; i += 4) {
      levels.add(data[i]);
      if (data[i] >= 240 && bright++ === 0) square = i / 4;
      if (data[i] > 0 && data[i] <= 40) ++dark;
    }
    const pixels = data.length / 4;
    return bright > 0 && square !== other && {levels: levels.size, bright: bright / pixels, dark: dark / pixels, square};
  }, unlike, WAIT);
  return drawn.jsonValue();
}

function assertImage(pixels) {
  assert.ok(pixels.levels >= 32, `a gradient, not a flat fill: ${JSON.stringify(pixels)}`);
  assert.ok(pixels.bright > 0.005, `the bright square: ${JSON.stringify(pixels)}`);
  assert.ok(pixels.dark > 0.005, `the gradient's dark end: ${JSON.stringify(pixels)}`);
}

before(async () => {
  mkdirSync(ARTIFACTS, {recursive: true});
  // DICOMweb without users on loopback, as the README's OHIF section says
  // (OHIF's study list sends no credentials of its own).
  open = await deploy();
  doe = open.archive.push({patientName: 'Doe^Jane', patientId: 'PID-DOE', birthDate: '19700203',
    studyDate: '20240115', accession: 'ACC-1', description: 'CT chest',
    series: [{modality: 'CT', description: 'axial', instances: 3}, {modality: 'CT', description: 'scout'}]});
  const study = {patientName: 'Roe^Ann', patientId: 'PID-ROE', birthDate: '19851120',
    studyDate: '20240302', accession: 'ACC-2', description: 'MR knee',
    series: [{modality: 'MR', description: 'sagittal', instances: 2}]};
  open.archive.push(study);
  // A bearer token of http.tokens: the viewer link's &token=.
  const made = newToken();
  token = made.token;
  guarded = await deploy([`http.tokens=ohif:${made.hash}:ro`]);
  roe = guarded.archive.push(study);
  browser = await launchBrowser();
  page = await newPage();
});

after(async () => {
  await browser?.close();
  for (const deployment of [open, guarded]) {
    await deployment?.archive.stop();
    await deployment?.site.stop();
  }
});

test('the README shows the configuration this test deploys', () => {
  const readme = readFileSync(README, 'utf8');
  const config = readFileSync(CONFIG_FILE, 'utf8');
  assert.ok(readme.includes('```js\n' + config + '```\n'), 'README.md quotes config/ohif/app-config.js whole');
  assert.ok(readme.includes(`http.cors_origins = ${EXAMPLE_VIEWER}`), 'README.md names the viewer origin for CORS');
});

test('the study list shows the patients', async () => {
  await page.goto(open.site.origin);
  for (const [name, description, accession, modality, instances] of [
    ['Doe, Jane', 'CT chest', 'ACC-1', 'CT', '4'], ['Roe, Ann', 'MR knee', 'ACC-2', 'MR', '2']]) {
    const row = page.locator('tr', {hasText: name});
    await row.waitFor(WAIT);
    const cells = (await row.locator('td').allTextContents()).map((t) => t.trim());
    for (const expected of [name, description, accession, modality, instances]) {
      assert.ok(cells.includes(expected), `${expected} in ${JSON.stringify(cells)}`);
    }
  }
  await shot('01-study-list');
});

test('a study opens in the viewer, which draws its image', async () => {
  await page.locator('tr', {hasText: 'Doe, Jane'}).click();
  await page.getByText('Basic Viewer', {exact: true}).click(WAIT);
  await page.waitForURL((url) => url.pathname.startsWith('/viewer') &&
    url.searchParams.get('StudyInstanceUIDs') === doe.studyUid, WAIT);
  // The series browser lists both series, and the viewport fills with the
  // first: a gradient (dark to mid gray) with a bright square.
  await page.getByText('axial', {exact: true}).first().waitFor(WAIT);
  await page.getByText('scout', {exact: true}).first().waitFor(WAIT);
  const first = await viewportDrawn();
  await shot('02-viewer');
  assertImage(first);
  // The wheel moves to the next image of the series, drawn from its frame.
  const box = await page.locator('canvas.cornerstone-canvas').first().boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, 100);
  const second = await viewportDrawn(first.square);
  await shot('03-viewer-next-image');
  assertImage(second);
  // What OHIF asked of pixeldex on the way: the study list, the series,
  // their metadata and frames.
  assert.ok(requestsTo(open.archive, /^\/dicom-web\/studies$/).length > 0, 'QIDO-RS studies');
  assert.ok(requestsTo(open.archive, /\/studies\/[\d.]+\/series$/).length > 0, 'QIDO-RS series');
  assert.ok(requestsTo(open.archive, /\/series\/[\d.]+\/metadata$/).length >= 2, 'WADO-RS metadata of each series');
  assert.ok(requestsTo(open.archive, /\/instances\/[\d.]+\/frames\/1$/).length > 0, 'WADO-RS frames');
});

test('a viewer link with &token= shows a study of a pixeldex that wants a bearer token', async () => {
  page = await newPage();
  const anonymous = await page.request.get(`${guarded.archive.url}dicom-web/studies`);
  assert.equal(anonymous.status(), 401, 'no token, no answer');
  await page.goto(`${guarded.site.origin}/viewer?StudyInstanceUIDs=${roe.studyUid}&token=${token}`);
  await page.getByText('sagittal', {exact: true}).first().waitFor(WAIT);
  assertImage(await viewportDrawn());
  await shot('04-viewer-token');
  assert.ok(!page.url().includes(token), 'OHIF takes the token out of the address bar');
  const sent = dicomweb.filter((r) => r.url.startsWith(guarded.archive.url));
  assert.ok(requestsTo(guarded.archive, /\/instances\/[\d.]+\/frames\/1$/).length > 0, 'WADO-RS frames');
  for (const r of sent) assert.equal(r.authorization, `Bearer ${token}`, r.url);
});

test('every request OHIF made to pixeldex succeeded, with no CORS or console errors', () => {
  const refused = dicomweb.filter((r) => r.status < 200 || r.status > 299);
  assert.deepEqual(refused, []);
  assert.deepEqual(failures, []);
  assert.deepEqual(consoleErrors, []);
});
