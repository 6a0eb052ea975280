// DICOMweb through a real client library: dicomweb-client (the one the OHIF
// viewer is built on) against the real pixeldex binary, filled by DCMTK's
// storescu. xhr2 stands in for the browser's XMLHttpRequest, which the
// library uses for every request. Each step asserts what came back (values,
// bytes, image sizes), not only that a request succeeded.

import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {after, before, test} from 'node:test';
import dicomweb from 'dicomweb-client';
import XMLHttpRequest from 'xhr2';
import {Archive, uid} from '../browser/support/archive.mjs';
import {SopClass, writeInstance} from '../browser/support/dicom_file.mjs';

globalThis.XMLHttpRequest = XMLHttpRequest;

const IMAGE_SIZE = 64;           // dicom_file.mjs writes 64 x 64, 16 bits
const FRAME_BYTES = IMAGE_SIZE * IMAGE_SIZE * 2;

let archive;
let client;
let doe;        // CT study: an axial series of three, a scout of one
let cine;       // one multi-frame instance of five frames

function clientFor(password) {
  const credentials = Buffer.from(`${archive.user}:${password}`).toString('base64');
  return new dicomweb.api.DICOMwebClient({
    url: `${archive.url}dicom-web`,
    headers: {Authorization: `Basic ${credentials}`},
    verbose: false,
  });
}

// The first value of a DICOM JSON attribute (PS3.18 F.2.2).
function value(json, tag) {
  return json[tag]?.Value?.[0];
}

// The last `frames` frames of bytes of a file dicom_file.mjs wrote: Pixel Data is its
// last element, so its frames are there, in order.
function pixelData(path, frames) {
  const file = readFileSync(path);
  return file.subarray(file.length - frames * FRAME_BYTES);
}

// Width and height from a PNG's IHDR chunk (PNG spec 11.2.2).
function pngSize(bytes) {
  const png = Buffer.from(bytes);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG signature');
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

before(async () => {
  archive = await Archive.start({access: 'rw'});
  client = clientFor(archive.password);
  doe = archive.push({patientName: 'Doe^Jane', patientId: 'PID-DOE', birthDate: '19700203',
    studyDate: '20240115', accession: 'ACC-1', description: 'CT chest',
    series: [{modality: 'CT', description: 'axial', instances: 3}, {modality: 'CT', description: 'scout'}]});
  cine = archive.push({patientName: 'Roe^Ann', patientId: 'PID-ROE', birthDate: '19851120',
    studyDate: '20240302', accession: 'ACC-2', description: 'cine',
    series: [{modality: 'OT', description: 'loop', frames: 5}]});
});

after(async () => {
  await archive?.stop();
});

test('a client without the password is refused with 401', async () => {
  const stranger = clientFor('not-the-password');
  await assert.rejects(stranger.searchForStudies(), (e) => e.status === 401);
});

test('searchForStudies matches by name, by date range and by UID, with includefield', async () => {
  const byName = await client.searchForStudies({queryParams: {PatientName: 'Doe*'}});
  assert.equal(byName.length, 1);
  assert.equal(value(byName[0], '0020000D'), doe.studyUid);
  assert.deepEqual(value(byName[0], '00100010'), {Alphabetic: 'Doe^Jane'});
  assert.equal(value(byName[0], '00080050'), 'ACC-1');
  assert.equal(value(byName[0], '00201208'), 4, 'Number of Study Related Instances');
  assert.match(value(byName[0], '00081190'), new RegExp(`/dicom-web/studies/${doe.studyUid}$`), 'Retrieve URL');

  const byDate = await client.searchForStudies({queryParams: {StudyDate: '20240201-20241231'}});
  assert.deepEqual(byDate.map((s) => value(s, '0020000D')), [cine.studyUid]);

  const both = await client.searchForStudies({
    queryParams: {StudyInstanceUID: `${doe.studyUid},${cine.studyUid}`, includefield: 'PatientBirthDate,StudyDescription'},
  });
  const birthDates = Object.fromEntries(both.map((s) => [value(s, '0020000D'), value(s, '00100030')]));
  assert.deepEqual(birthDates, {[doe.studyUid]: '19700203', [cine.studyUid]: '19851120'});
  assert.deepEqual(both.map((s) => value(s, '00081030')).sort(), ['CT chest', 'cine']);

  assert.deepEqual(await client.searchForStudies({queryParams: {PatientID: 'NOBODY'}}), [], 'no match: empty list');
});

test('searchForSeries and searchForInstances list what was stored, filtered', async () => {
  const series = await client.searchForSeries({studyInstanceUID: doe.studyUid});
  assert.deepEqual(series.map((s) => value(s, '0020000E')).sort(), doe.series.map((s) => s.seriesUid).sort());

  const axial = await client.searchForSeries({
    studyInstanceUID: doe.studyUid, queryParams: {SeriesDescription: 'ax*', includefield: 'SeriesDescription'},
  });
  assert.equal(axial.length, 1);
  assert.equal(value(axial[0], '0020000E'), doe.series[0].seriesUid);
  assert.equal(value(axial[0], '00080060'), 'CT');
  assert.equal(value(axial[0], '00201209'), 3, 'Number of Series Related Instances');

  const instances = await client.searchForInstances({
    studyInstanceUID: doe.studyUid, seriesInstanceUID: doe.series[0].seriesUid,
  });
  assert.deepEqual(instances.map((i) => value(i, '00080018')).sort(), [...doe.series[0].instances].sort());
  assert.deepEqual(instances.map((i) => value(i, '00200013')).sort(), [1, 2, 3], 'Instance Numbers');

  const second = await client.searchForInstances({
    studyInstanceUID: doe.studyUid, queryParams: {InstanceNumber: '2'},
  });
  assert.deepEqual(second.map((i) => value(i, '00080018')), [doe.series[0].instances[1]]);
});

test('retrieveStudyMetadata and retrieveSeriesMetadata give each instance, with bulk data URIs that resolve', async () => {
  const study = await client.retrieveStudyMetadata({studyInstanceUID: doe.studyUid});
  assert.equal(study.length, 4);
  for (const instance of study) {
    assert.equal(value(instance, '0020000D'), doe.studyUid);
    assert.equal(value(instance, '00100020'), 'PID-DOE');
    assert.equal(value(instance, '00280010'), IMAGE_SIZE, 'Rows');
    assert.equal(value(instance, '00400275')?.['00401001']?.Value?.[0], 'RP-4711', 'a sequence item');
  }

  const series = await client.retrieveSeriesMetadata({
    studyInstanceUID: doe.studyUid, seriesInstanceUID: doe.series[0].seriesUid,
  });
  assert.deepEqual(series.map((i) => value(i, '00080018')).sort(), [...doe.series[0].instances].sort());

  const first = series.find((i) => value(i, '00080018') === doe.series[0].instances[0]);
  const uri = first['7FE00010']?.BulkDataURI;
  assert.ok(uri, 'Pixel Data is a BulkDataURI');
  const [bulk] = await client.retrieveBulkData({BulkDataURI: uri});
  assert.deepEqual(Buffer.from(bulk), pixelData(doe.files[0], 1), 'the pixel data, byte for byte');
});

test('retrieveInstance gives a Part 10 file of the instance asked', async () => {
  const sop = doe.series[1].instances[0];
  const file = Buffer.from(await client.retrieveInstance({
    studyInstanceUID: doe.studyUid, seriesInstanceUID: doe.series[1].seriesUid, sopInstanceUID: sop,
  }));
  assert.equal(file.subarray(128, 132).toString('latin1'), 'DICM');
  assert.ok(file.includes(Buffer.from(sop, 'latin1')), 'carries its SOP Instance UID');
  assert.deepEqual(file.subarray(file.length - FRAME_BYTES), pixelData(doe.files[3], 1), 'its pixel data');
});

test('retrieveInstanceFrames gives the frames asked, in the order asked', async () => {
  const where = {studyInstanceUID: cine.studyUid, seriesInstanceUID: cine.series[0].seriesUid,
    sopInstanceUID: cine.series[0].instances[0]};
  const all = pixelData(cine.files[0], 5);
  const frame = (n) => all.subarray((n - 1) * FRAME_BYTES, n * FRAME_BYTES);

  const plain = await client.retrieveInstanceFrames({...where, frameNumbers: [4, 2]});
  assert.deepEqual(plain.map((f) => Buffer.from(f)), [frame(4), frame(2)]);

  // What OHIF asks: any transfer syntax, as stored.
  const asStored = await client.retrieveInstanceFrames({...where, frameNumbers: [1, 5],
    mediaTypes: [{mediaType: 'application/octet-stream', transferSyntaxUID: '*'}]});
  assert.deepEqual(asStored.map((f) => Buffer.from(f)), [frame(1), frame(5)]);
  assert.notDeepEqual(frame(1), frame(5), 'the frames differ, so the order is checked');
});

test('retrieveInstanceRendered gives a PNG or a JPEG, sized by the viewport', async () => {
  const where = {studyInstanceUID: doe.studyUid, seriesInstanceUID: doe.series[0].seriesUid,
    sopInstanceUID: doe.series[0].instances[0]};
  const [png] = await client.retrieveInstanceRendered({...where, mediaTypes: [{mediaType: 'image/png'}]});
  assert.deepEqual(pngSize(png), [IMAGE_SIZE, IMAGE_SIZE]);

  const [small] = await client.retrieveInstanceRendered({...where, mediaTypes: [{mediaType: 'image/png'}],
    queryParams: {viewport: '32,32'}});
  assert.deepEqual(pngSize(small), [32, 32]);

  const [jpeg] = await client.retrieveInstanceRendered({...where, queryParams: {quality: 80}});
  const bytes = Buffer.from(jpeg);
  assert.deepEqual([...bytes.subarray(0, 3)], [0xff, 0xd8, 0xff], 'a JPEG SOI marker');
  assert.deepEqual([...bytes.subarray(-2)], [0xff, 0xd9], 'a JPEG EOI marker');
});

test('retrieveInstanceThumbnail gives a small image of the instance', async () => {
  const [thumbnail] = await client.retrieveInstanceThumbnail({studyInstanceUID: doe.studyUid,
    seriesInstanceUID: doe.series[0].seriesUid, sopInstanceUID: doe.series[0].instances[1],
    mediaTypes: [{mediaType: 'image/png'}]});
  const [width, height] = pngSize(thumbnail);
  assert.ok(width > 0 && width <= IMAGE_SIZE && height > 0 && height <= IMAGE_SIZE, `${width} x ${height}`);
});

test('storeInstances (STOW-RS) stores a file that is then found and retrieved byte for byte', async () => {
  const studyUid = uid();
  const seriesUid = uid();
  const sopUid = uid();
  const path = join(archive.dir, 'stow.dcm');
  writeInstance(path, {patientName: 'Stow^Sam', patientId: 'PID-STOW', birthDate: '19990101',
    studyUid, studyDate: '20241201', accession: 'ACC-STOW', description: 'posted'},
  {seriesUid, modality: 'MR', number: 1, description: 'stowed'}, {sopUid, number: 1});
  const posted = readFileSync(path);

  const answer = JSON.parse(await client.storeInstances({
    studyInstanceUID: studyUid,
    datasets: [posted.buffer.slice(posted.byteOffset, posted.byteOffset + posted.length)],
  }));
  const stored = answer['00081199']?.Value;
  assert.equal(stored?.length, 1, 'one Referenced SOP Sequence item');
  assert.equal(value(stored[0], '00081150'), SopClass.MR);
  assert.equal(value(stored[0], '00081155'), sopUid);
  assert.equal(answer['00081198'], undefined, 'no Failed SOP Sequence');

  const found = await client.searchForInstances({queryParams: {SOPInstanceUID: sopUid, includefield: 'PatientName'}});
  assert.equal(found.length, 1);
  assert.equal(value(found[0], '0020000D'), studyUid);
  assert.deepEqual(value(found[0], '00100010'), {Alphabetic: 'Stow^Sam'});

  const back = await client.retrieveInstance({studyInstanceUID: studyUid, seriesInstanceUID: seriesUid,
    sopInstanceUID: sopUid});
  assert.deepEqual(Buffer.from(back), posted, 'the stored file is the posted bytes');
});

// The requests of OHIF v3's DICOMweb data source (extensions/default/src/
// DicomWebDataSource: qido.js mapParams, retrieveMetadataLoaderAsync.js) and
// of its image loader (cornerstone's WADO-RS loader), as they send them.
test('OHIF: the study list search, with its includefield and filters', async () => {
  const studies = await client.searchForStudies({queryParams: {
    PatientName: '*Doe*', '00100020': '*PID-DOE*', AccessionNumber: '*ACC*', StudyDescription: '*chest*',
    ModalitiesInStudy: 'CT', limit: 101, offset: 0, fuzzymatching: false,
    // Modality (a series attribute) beside the study ones: left out, not refused.
    includefield: '00081030,00080060,00080090,00100030', StudyDate: '20240101-20241231',
  }});
  assert.equal(studies.length, 1);
  assert.equal(value(studies[0], '0020000D'), doe.studyUid);
  assert.deepEqual(studies[0]['00080061']?.Value, ['CT'], 'Modalities in Study');
  assert.equal(value(studies[0], '00100030'), '19700203');
  assert.equal(value(studies[0], '00081030'), 'CT chest');
  assert.equal(studies[0]['00080060'], undefined, 'no Modality at the study level');

  // OHIF joins the UIDs of a ?StudyInstanceUIDs= link with backslashes.
  const linked = await client.searchForStudies({queryParams: {
    StudyInstanceUID: `${doe.studyUid}\\${cine.studyUid}`, limit: 101, offset: 0, fuzzymatching: false,
    includefield: '00081030,00080060,00080090,00100030'}});
  assert.deepEqual(linked.map((s) => value(s, '0020000D')).sort(), [doe.studyUid, cine.studyUid].sort());

  const all = await client.searchForStudies({queryParams: {PatientID: 'PID-DOE', includefield: 'all'}});
  assert.equal(all.length, 1);
  assert.equal(value(all[0], '00100040'), 'O', 'Patient\'s Sex, beyond the required attributes');
  assert.equal(value(all[0], '00200010'), '1', 'Study ID');
  assert.equal(all[0]['00080060'], undefined, 'nothing below the study level');
});

test('OHIF: the series of a study with its includefield', async () => {
  const series = await client.searchForSeries({studyInstanceUID: doe.studyUid,
    queryParams: {includefield: '0008103E,00080021'}});
  const descriptions = Object.fromEntries(series.map((s) => [value(s, '0020000E'), value(s, '0008103E')]));
  assert.deepEqual(descriptions, {[doe.series[0].seriesUid]: 'axial', [doe.series[1].seriesUid]: 'scout'});
});

test('OHIF: frames as cornerstone asks for them (type unquoted, transfer-syntax=*)', async () => {
  const sop = cine.series[0].instances[0];
  const url = `${archive.url}dicom-web/studies/${cine.studyUid}/series/${cine.series[0].seriesUid}` +
    `/instances/${sop}/frames/3`;
  const answer = await fetch(url, {headers: {
    Authorization: `Basic ${Buffer.from(`${archive.user}:${archive.password}`).toString('base64')}`,
    Accept: 'multipart/related; type=application/octet-stream; transfer-syntax=*'}});
  assert.equal(answer.status, 200);
  assert.match(answer.headers.get('content-type'), /^multipart\/related;.*type="?application\/octet-stream/);
  const body = Buffer.from(await answer.arrayBuffer());
  const frame3 = pixelData(cine.files[0], 5).subarray(2 * FRAME_BYTES, 3 * FRAME_BYTES);
  assert.ok(body.includes(frame3), 'the third frame is in the answer');
  assert.ok(body.length < frame3.length + 1024, 'and only it');
});
