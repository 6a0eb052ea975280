// The web page in a real browser: one user journey, run in Debian's chromium
// and in Debian's firefox-esr (support/browsers.mjs; PIXELDEX_BROWSER picks
// one), headless, driven by playwright-core, against the real pixeldex binary
// that DCMTK's storescu fills. Each step checks what a person would see, and
// leaves a screenshot in $PIXELDEX_BROWSER_ARTIFACTS/<browser>.
// Synchronisation is on DOM state only (Playwright's waits), never on sleeps.

import assert from 'node:assert/strict';
import {createHash} from 'node:crypto';
import {mkdirSync} from 'node:fs';
import {join} from 'node:path';
import {after, before, test} from 'node:test';
import {Archive} from './support/archive.mjs';
import {BROWSER, launchBrowser} from './support/browsers.mjs';

const ARTIFACTS = join(process.env.PIXELDEX_BROWSER_ARTIFACTS ??
  new URL('../../build/tests/browser/artifacts', import.meta.url).pathname, BROWSER);
const WAIT = {timeout: 30000};

let archive;
let browser;
let context;
let page;
let doe;
const consoleErrors = [];
let refusing = false;  // while the SQL console is shown a refused statement (400 expected)
// Playwright's screenshots insert <style>body {}</style> for a moment; over
// WebDriver BiDi (Firefox) it lands in the page's own world, where the
// page's Content-Security-Policy refuses it, as it should, and reports it
// (as a page error). That one report is the harness's, not the page's; any
// other CSP report still fails the test.
const SCREENSHOT_STYLE = `'sha256-${createHash('sha256').update('body {}').digest('base64')}'`;
const screenshotNoise = (text) => text.startsWith('Content-Security-Policy') && text.includes(SCREENSHOT_STYLE);

async function shot(name) {
  await page.screenshot({path: join(ARTIFACTS, `${name}.png`), fullPage: true});
}

// Resolves once every image matched by `selector` (at least `count`) has
// loaded and decoded to a non-zero size.
function imagesDecoded(selector, count = 1) {
  return page.waitForFunction(([s, n]) => {
    const images = [...document.querySelectorAll(s)];
    return images.length >= n && images.every((i) => i.complete && i.naturalWidth > 0);
  }, [selector, count], WAIT);
}

before(async () => {
  mkdirSync(ARTIFACTS, {recursive: true});
  archive = await Archive.start();
  doe = archive.push({patientName: 'Doe^Jane', patientId: 'PID-DOE', birthDate: '19700203',
    studyDate: '20240115', accession: 'ACC-1', description: 'CT chest',
    series: [{modality: 'CT', description: 'axial', instances: 3}, {modality: 'CT', description: 'scout'}]});
  archive.push({patientName: 'Roe^Ann', patientId: 'PID-ROE', birthDate: '19851120',
    studyDate: '20240302', accession: 'ACC-2', description: 'MR knee',
    series: [{modality: 'MR', description: 'sagittal', instances: 2}]});
  browser = await launchBrowser();
  context = await browser.newContext({
    httpCredentials: {username: archive.user, password: archive.password},
    viewport: {width: 1280, height: 900},
  });
  page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (refusing && m.location().url.endsWith('/api/query') && m.text().includes('400')) return;
    consoleErrors.push(`${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => {
    if (!screenshotNoise(String(e))) consoleErrors.push(String(e));
  });
});

after(async () => {
  await browser?.close();
  await archive?.stop();
});

test('a wrong password or none is refused', async () => {
  for (const credentials of [undefined, {username: archive.user, password: 'not-the-password'}]) {
    const stranger = await browser.newContext({httpCredentials: credentials});
    const other = await stranger.newPage();
    // The browser shows the 401 answer, or (credentials refused) gives up.
    const shown = await other.goto(archive.url).then((r) => r.status(), (e) => e.message);
    assert.match(String(shown), /^401$|ERR_INVALID_AUTH_CREDENTIALS/);
    assert.equal(await other.locator('#view').count(), 0, 'no page behind the refusal');
    for (const path of ['', 'ui/app.js', 'api/changes', 'dicom-web/studies']) {
      const response = await other.request.get(`${archive.url}${path}`);
      assert.equal(response.status(), 401, path);
      assert.match(response.headers()['www-authenticate'], /^Basic /);  // RFC 7617: the prompt
    }
    await stranger.close();
  }
});

test('the studies list shows the pushed patients with their thumbnails', async () => {
  const response = await page.goto(archive.url);
  assert.equal(response.status(), 200);
  assert.match(response.headers()['content-security-policy'], /script-src 'self'/);
  await page.locator('tr.study', {hasText: 'Doe, Jane'}).waitFor(WAIT);
  await page.locator('tr.study', {hasText: 'Roe, Ann'}).waitFor(WAIT);
  const doeRow = page.locator('tr.study', {hasText: 'Doe, Jane'});
  const cells = await doeRow.locator('td').allTextContents();
  for (const expected of ['PID-DOE', '1970-02-03', '2024-01-15', 'CT chest', 'ACC-1', 'CT', '2', '4']) {
    assert.ok(cells.includes(expected), `${expected} in ${JSON.stringify(cells)}`);
  }
  await imagesDecoded('tr.study img.thumb', 2);
  await shot('01-studies');
});

test('the filters narrow the list', async () => {
  await page.fill('input[name=name]', 'roe');
  await page.click('form.filters button[type=submit]');
  await page.locator('tr.study', {hasText: 'Doe, Jane'}).waitFor({state: 'detached', ...WAIT});
  assert.equal(await page.locator('tr.study').count(), 1);
  await page.fill('input[name=name]', '');
  await page.fill('input[name=modality]', 'CT');
  await page.click('form.filters button[type=submit]');
  await page.locator('tr.study', {hasText: 'Roe, Ann'}).waitFor({state: 'detached', ...WAIT});
  await page.locator('tr.study', {hasText: 'Doe, Jane'}).waitFor(WAIT);
  await shot('02-filtered');
  await page.click('form.filters button[type=reset]');
  await page.locator('tr.study', {hasText: 'Roe, Ann'}).waitFor(WAIT);
  await page.fill('input[name=attribute]', 'PatientBirthDate=19851120');
  await page.press('input[name=attribute]', 'Enter');
  await page.locator('tr.study', {hasText: 'Doe, Jane'}).waitFor({state: 'detached', ...WAIT});
  assert.equal(await page.locator('tr.study').count(), 1);
  await page.click('form.filters button[type=reset]');
  await page.locator('tr.study', {hasText: 'Doe, Jane'}).waitFor(WAIT);
});

test('a study opens with its series, instances, file facts and tag table', async () => {
  await page.locator('tr.study', {hasText: 'Doe, Jane'}).getByRole('link', {name: 'Doe, Jane'}).click();
  await page.locator('.card.series').nth(1).waitFor(WAIT);
  assert.equal(await page.locator('.card.series').count(), 2);
  await imagesDecoded('.card.series img.thumb', 2);
  await imagesDecoded('.card.instance img.thumb', 3);
  // The first series: three single-frame instances of a few kB each.
  assert.match(await page.locator('.instance-summary').textContent(), /^3 instances, 3 frames, [\d.]+ kB$/);
  const facts = page.locator('.file-facts dl');
  await facts.waitFor(WAIT);
  const text = await facts.textContent();
  assert.match(text, /[0-9a-f]{64}/, 'SHA-256');
  assert.match(text, /MODALITY/, 'sender');
  assert.match(text, /1\.2\.840\.10008\.1\.2\.1/, 'transfer syntax');
  const download = await page.request.get(new URL(await page.getAttribute('a[href$="/file"]', 'href'), archive.url).href);
  assert.equal(download.status(), 200);
  assert.equal((await download.body()).subarray(128, 132).toString(), 'DICM');
  const zip = await page.request.get(new URL(await page.getAttribute('a[href$="/files"]', 'href'), archive.url).href);
  assert.equal(zip.headers()['content-type'], 'application/zip');
  assert.equal((await zip.body()).subarray(0, 4).toString('latin1'), 'PK\x03\x04');
  await page.locator('table.tags tbody tr').first().waitFor(WAIT);
  await shot('03-study');
  // An attribute inside a sequence item, found by its keyword.
  await page.fill('input.tag-search', 'RequestedProcedureID');
  const hit = page.locator('table.tags tbody tr', {hasText: 'RP-4711'});
  await hit.waitFor(WAIT);
  assert.match(await hit.textContent(), /\(0040,1001\)RequestedProcedureID in RequestAttributesSequence/);
  assert.equal(await page.locator('table.tags tbody tr').count(), 1);
  await shot('04-tag-search');
});

test('the viewer shows a frame and window/level changes it', async () => {
  // Rendered frames: PS3.18 10.4.1.1.3.
  const [series] = doe.series;
  const probe = await page.request.get(
    `${archive.url}dicom-web/studies/${doe.studyUid}/series/${series.seriesUid}/instances/${series.instances[0]}/frames/1/rendered`);
  assert.equal(probe.status(), 200, 'the frame is rendered');
  await page.getByRole('link', {name: 'Open in viewer'}).click();
  await imagesDecoded('img.frame');
  await shot('05-viewer');
  const before = await page.getAttribute('img.frame', 'src');
  assert.match(before, /\/frames\/1\/rendered/);
  const box = await page.locator('.stage').boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 80, box.y + box.height / 2 + 40, {steps: 4});
  await page.mouse.up();
  await page.waitForFunction((old) => document.querySelector('img.frame').getAttribute('src') !== old, before, WAIT);
  await imagesDecoded('img.frame');
  assert.match(await page.getAttribute('img.frame', 'src'), /rendered\?window=/);
  assert.notEqual(await page.getAttribute('img.frame', 'data-window'), '2000,4000');
  await shot('06-viewer-window');
  // The wheel moves to the next instance of the series.
  await page.mouse.wheel(0, 100);
  await page.locator('.viewer-status', {hasText: 'Instance 2 of 3'}).waitFor(WAIT);
  await imagesDecoded('img.frame');
});

test('a study pushed while the page is open appears without reloading', async () => {
  await page.goto(archive.url);
  await page.locator('tr.study', {hasText: 'Doe, Jane'}).waitFor(WAIT);
  await page.evaluate(() => { window.sameDocument = true; });
  archive.push({patientName: 'Live^Lisa', patientId: 'PID-LIVE', birthDate: '20000101',
    studyDate: '20240404', accession: 'ACC-3', description: 'CR hand', series: [{modality: 'CR'}]});
  await page.locator('tr.study', {hasText: 'Live, Lisa'}).waitFor(WAIT);
  assert.equal(await page.evaluate(() => window.sameDocument), true, 'no reload');
  await page.locator('#live', {hasText: '3 studies'}).waitFor(WAIT);
  await shot('07-live');
});

test('the SQL console returns rows and draws a chart', async () => {
  await page.getByRole('link', {name: 'SQL'}).click();
  await page.fill('textarea.sql', 'SELECT modality, count(*) AS instances FROM instance_details GROUP BY modality ORDER BY modality');
  await page.click('button.primary');
  await page.locator('table.result tbody tr').nth(2).waitFor(WAIT);
  const rows = await page.locator('table.result tbody tr').allTextContents();
  assert.deepEqual(rows, ['CR1', 'CT4', 'MR2']);
  assert.equal(await page.locator('svg.chart rect.bar').count(), 3);
  await shot('08-sql-chart');
  await page.fill('textarea.sql', 'DELETE FROM studies');
  refusing = true;
  await page.keyboard.press('Control+Enter');
  await page.locator('.sql-output .message.error', {hasText: 'read-only'}).waitFor(WAIT);
  refusing = false;
  await shot('09-sql-refused');
});

test('SQL results show thumbnails for PNG columns and SOP Instance UIDs', async () => {
  await page.fill('textarea.sql', 'SELECT sop_instance_uid, png FROM thumbnail_images ORDER BY instance_pk LIMIT 3');
  await page.click('button.primary');
  await page.locator('table.result tbody tr').nth(2).waitFor(WAIT);
  await imagesDecoded('table.result img.thumb', 6);
  await shot('10-sql-thumbnails');
});

test('the activity view shows the associations and the instances per hour', async () => {
  await page.getByRole('link', {name: 'Activity'}).click();
  // Three pushes: three associations from storescu, all released (the
  // server writes each row as the association ends).
  const released = page.locator('table.result tbody tr', {hasText: 'released'}).filter({hasText: 'MODALITY'});
  await released.nth(2).waitFor(WAIT);
  assert.equal(await released.count(), 3);
  await page.locator('svg.chart rect.bar').first().waitFor(WAIT);
  await shot('11-activity');
});

test('the browser console has no errors', () => {
  assert.deepEqual(consoleErrors, []);
});
