// Writes small DICOM Part 10 files (PS3.10 7.1: preamble, "DICM", File Meta
// Information; data set in Explicit VR Little Endian, PS3.5 7.1.2) with a
// 16-bit grayscale image, so the browser tests make their own data without
// any other tool. Each instance gets a gradient with a bright square whose
// place depends on its instance number, so images differ visibly.

import {writeFileSync} from 'node:fs';

const LONG_VRS = new Set(['OB', 'OW', 'SQ', 'UN', 'UT', 'UC', 'UR', 'OF', 'OD', 'OL']);

function pad(bytes, vr) {
  if (bytes.length % 2 === 0) return bytes;
  const padding = vr === 'UI' || vr === 'OB' ? 0x00 : 0x20;
  return Buffer.concat([bytes, Buffer.from([padding])]);
}

// One data element; `value` is a string, a Buffer, an array of items (SQ:
// each an array of elements), or a number for US.
function element(group, elementNumber, vr, value) {
  let body;
  if (vr === 'SQ') {
    body = Buffer.concat(value.map((item) => {
      const content = Buffer.concat(item);
      const head = Buffer.alloc(8);
      head.writeUInt16LE(0xfffe, 0);
      head.writeUInt16LE(0xe000, 2);
      head.writeUInt32LE(content.length, 4);
      return Buffer.concat([head, content]);
    }));
  } else if (vr === 'US') {
    body = Buffer.alloc(2);
    body.writeUInt16LE(value, 0);
  } else if (vr === 'UL') {
    body = Buffer.alloc(4);
    body.writeUInt32LE(value, 0);
  } else {
    body = pad(Buffer.isBuffer(value) ? value : Buffer.from(String(value), 'latin1'), vr);
  }
  const long = LONG_VRS.has(vr);
  const head = Buffer.alloc(long ? 12 : 8);
  head.writeUInt16LE(group, 0);
  head.writeUInt16LE(elementNumber, 2);
  head.write(vr, 4, 'latin1');
  if (long) head.writeUInt32LE(body.length, 8);
  else head.writeUInt16LE(body.length, 6);
  return Buffer.concat([head, body]);
}

export const SopClass = {
  CT: '1.2.840.10008.5.1.4.1.1.2',
  MR: '1.2.840.10008.5.1.4.1.1.4',
  SC_MULTIFRAME_WORD: '1.2.840.10008.5.1.4.1.1.7.3',
};

function pixels(size, frames, seed) {
  const data = Buffer.alloc(size * size * 2 * frames);
  for (let f = 0; f < frames; ++f) {
    const square = ((seed * 7 + f * 5) % (size / 2)) + 4;
    for (let y = 0; y < size; ++y) {
      for (let x = 0; x < size; ++x) {
        const inSquare = x >= square && x < square + size / 4 && y >= square && y < square + size / 4;
        const value = inSquare ? 4000 : Math.round(((x + y) / (2 * size)) * 2000);
        data.writeUInt16LE(value, ((f * size + y) * size + x) * 2);
      }
    }
  }
  return data;
}

// study: {patientName, patientId, birthDate, studyUid, studyDate, accession,
// description}; series: {seriesUid, modality, number, description};
// instance: {sopUid, number, frames}.
export function writeInstance(path, study, series, instance) {
  const size = 64;
  const frames = instance.frames ?? 1;
  const sopClass = frames > 1 ? SopClass.SC_MULTIFRAME_WORD : SopClass[series.modality] ?? SopClass.CT;
  const dataset = [
    element(0x0008, 0x0016, 'UI', sopClass),
    element(0x0008, 0x0018, 'UI', instance.sopUid),
    element(0x0008, 0x0020, 'DA', study.studyDate),
    element(0x0008, 0x0030, 'TM', '101500'),
    element(0x0008, 0x0050, 'SH', study.accession),
    element(0x0008, 0x0060, 'CS', series.modality),
    element(0x0008, 0x1030, 'LO', study.description),
    element(0x0008, 0x103e, 'LO', series.description),
    element(0x0010, 0x0010, 'PN', study.patientName),
    element(0x0010, 0x0020, 'LO', study.patientId),
    element(0x0010, 0x0030, 'DA', study.birthDate),
    element(0x0010, 0x0040, 'CS', 'O'),
    element(0x0018, 0x0050, 'DS', '1.25'),
    element(0x0020, 0x000d, 'UI', study.studyUid),
    element(0x0020, 0x000e, 'UI', series.seriesUid),
    element(0x0020, 0x0010, 'SH', '1'),
    element(0x0020, 0x0011, 'IS', String(series.number)),
    element(0x0020, 0x0013, 'IS', String(instance.number)),
    element(0x0028, 0x0002, 'US', 1),
    element(0x0028, 0x0004, 'CS', 'MONOCHROME2'),
    ...(frames > 1 ? [element(0x0028, 0x0008, 'IS', String(frames))] : []),
    element(0x0028, 0x0010, 'US', size),
    element(0x0028, 0x0011, 'US', size),
    element(0x0028, 0x0100, 'US', 16),
    element(0x0028, 0x0101, 'US', 12),
    element(0x0028, 0x0102, 'US', 11),
    element(0x0028, 0x0103, 'US', 0),
    element(0x0028, 0x1050, 'DS', '2000'),
    element(0x0028, 0x1051, 'DS', '4000'),
    element(0x0040, 0x0275, 'SQ', [[element(0x0040, 0x1001, 'SH', 'RP-4711')]]),
    element(0x7fe0, 0x0010, 'OW', pixels(size, frames, instance.number)),
  ];
  const metaElements = [
    element(0x0002, 0x0001, 'OB', Buffer.from([0, 1])),
    element(0x0002, 0x0002, 'UI', sopClass),
    element(0x0002, 0x0003, 'UI', instance.sopUid),
    element(0x0002, 0x0010, 'UI', '1.2.840.10008.1.2.1'),
    element(0x0002, 0x0012, 'UI', '1.2.826.0.1.3680043.10.1234.1'),
  ];
  const meta = Buffer.concat(metaElements);
  writeFileSync(path, Buffer.concat([
    Buffer.alloc(128), Buffer.from('DICM', 'latin1'),
    element(0x0002, 0x0000, 'UL', meta.length), meta, ...dataset,
  ]));
}
