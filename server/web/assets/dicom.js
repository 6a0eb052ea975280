// Reading values out of DICOM JSON (PS3.18 Annex F) for display.

// The first value of `tag` ("GGGGEEEE") as display text, or ''.
export function first(object, tag) {
  const value = object?.[tag]?.Value?.[0];
  return value === undefined || value === null ? '' : display(value);
}

// All values of an attribute as one text (multiple values joined by '\').
export function text(attribute) {
  if (!attribute) return '';
  if (attribute.Value) return attribute.Value.map(display).join('\\');
  if (attribute.InlineBinary) return `(inline binary, ${attribute.InlineBinary.length} base64 characters)`;
  if (attribute.BulkDataURI) return '(bulk data)';
  return '';
}

function display(value) {
  if (value === null) return '';
  if (typeof value === 'object') {
    return value.Alphabetic ?? value.Ideographic ?? value.Phonetic ?? '';
  }
  return String(value);
}

// A DICOM name for people: "Doe^John" -> "Doe, John".
export function personName(name) {
  const [family, given, middle] = String(name).split('^');
  return [family, [given, middle].filter(Boolean).join(' ')].filter(Boolean).join(', ');
}

// "20240131" -> "2024-01-31".
export function date(value) {
  return /^\d{8}$/.test(value) ? `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6)}` : value;
}

// "GGGGEEEE" -> "(GGGG,EEEE)".
export function tagLabel(tag) {
  return `(${tag.slice(0, 4)},${tag.slice(4)})`;
}

export const Tag = {
  PatientName: '00100010',
  PatientID: '00100020',
  PatientBirthDate: '00100030',
  PatientSex: '00100040',
  StudyInstanceUID: '0020000D',
  StudyDate: '00080020',
  StudyDescription: '00081030',
  AccessionNumber: '00080050',
  ModalitiesInStudy: '00080061',
  NumberOfStudyRelatedSeries: '00201206',
  NumberOfStudyRelatedInstances: '00201208',
  SeriesInstanceUID: '0020000E',
  SeriesNumber: '00200011',
  SeriesDescription: '0008103E',
  Modality: '00080060',
  NumberOfSeriesRelatedInstances: '00201209',
  SOPInstanceUID: '00080018',
  InstanceNumber: '00200013',
  NumberOfFrames: '00280008',
  WindowCenter: '00281050',
  WindowWidth: '00281051',
};
