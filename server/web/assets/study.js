// One study: its series with thumbnails, the instances of the chosen series
// as a grid, and for the chosen instance its header (tag table), its file
// facts from the index and a download link.

import {instanceFacts, instanceFileUrl, metadata, qido, seriesFilesUrl, seriesSummary,
  thumbnailUrl} from './api.js';
import {Tag, date, first, personName} from './dicom.js';
import {h, message, replace, thumbnail} from './dom.js';
import {renderTagTable} from './tags.js';

export async function renderStudy(view, studyUid) {
  const heading = h('div', {class: 'study-head'}, h('h1', {}, 'Study'));
  const seriesList = h('section', {class: 'series-list', 'aria-label': 'Series'});
  const instances = h('section', {class: 'instances', 'aria-label': 'Instances'});
  const details = h('section', {class: 'details', 'aria-label': 'Instance'});
  replace(view, h('p', {}, h('a', {href: '#/'}, '← Studies')), heading, seriesList, instances, details);
  let chosenSeries = null;

  async function refresh() {
    let study;
    let series;
    try {
      [study] = await qido('studies', {StudyInstanceUID: studyUid,
        includefield: 'PatientBirthDate,PatientSex,StudyDescription'});
      series = await qido(`studies/${encodeURIComponent(studyUid)}/series`,
                          {includefield: 'SeriesDescription,NumberOfSeriesRelatedInstances'});
    } catch (error) {
      replace(seriesList, message('error', `The study could not be read: ${error.message}`));
      return;
    }
    if (!study) {
      replace(seriesList, message('empty', 'No such study.'));
      return;
    }
    replace(heading,
      h('h1', {}, personName(first(study, Tag.PatientName)) || '(no name)',
        h('small', {}, ` ${first(study, Tag.PatientID)}`)),
      h('p', {class: 'facts-line'},
        [date(first(study, Tag.StudyDate)), first(study, Tag.StudyDescription),
         first(study, Tag.AccessionNumber) && `accession ${first(study, Tag.AccessionNumber)}`,
         first(study, Tag.PatientBirthDate) && `born ${date(first(study, Tag.PatientBirthDate))}`,
         first(study, Tag.PatientSex)].filter(Boolean).join(' · ')));
    series.sort((a, b) => Number(first(a, Tag.SeriesNumber)) - Number(first(b, Tag.SeriesNumber)));
    replace(seriesList, h('h2', {}, `${series.length} series`), h('div', {class: 'cards'},
      series.map((s) => {
        const uid = first(s, Tag.SeriesInstanceUID);
        return h('button', {type: 'button', class: 'card series', 'data-series': uid,
                            'aria-pressed': String(uid === chosenSeries), onclick: () => chooseSeries(uid)},
          thumbnail(thumbnailUrl(studyUid, uid), 'series thumbnail'),
          h('span', {class: 'card-title'}, `${first(s, Tag.Modality)} #${first(s, Tag.SeriesNumber)}`),
          h('span', {}, first(s, Tag.SeriesDescription)),
          h('span', {class: 'count'}, `${first(s, Tag.NumberOfSeriesRelatedInstances)} instances`));
      })));
    if (chosenSeries === null && series.length > 0) chooseSeries(first(series[0], Tag.SeriesInstanceUID));
  }

  async function chooseSeries(seriesUid) {
    chosenSeries = seriesUid;
    for (const card of seriesList.querySelectorAll('[data-series]')) {
      card.setAttribute('aria-pressed', String(card.dataset.series === seriesUid));
    }
    let list, summary;
    try {
      [list, summary] = await Promise.all([
        qido(`studies/${encodeURIComponent(studyUid)}/series/${encodeURIComponent(seriesUid)}/instances`),
        seriesSummary(seriesUid)]);
    } catch (error) {
      replace(instances, message('error', `The instances could not be read: ${error.message}`));
      return;
    }
    list.sort((a, b) => Number(first(a, Tag.InstanceNumber)) - Number(first(b, Tag.InstanceNumber)));
    replace(instances, h('h2', {}, 'Instances ',
      h('a', {href: seriesFilesUrl(seriesUid), class: 'button', download: `${seriesUid}.zip`}, 'Download series (ZIP)')),
    h('p', {class: 'facts-line instance-summary'}, `${plural(summary.instances, 'instance')}, ${plural(summary.frames, 'frame')}, ` +
      `${byteSize(summary.size_bytes)}`),
    h('div', {class: 'cards'},
      list.map((instance) => {
        const uid = first(instance, Tag.SOPInstanceUID);
        return h('button', {type: 'button', class: 'card instance', 'data-instance': uid,
                            onclick: () => chooseInstance(seriesUid, uid)},
          thumbnail(thumbnailUrl(studyUid, seriesUid, uid), 'instance thumbnail'),
          h('span', {}, `#${first(instance, Tag.InstanceNumber)}`));
      })));
    if (list.length > 0) chooseInstance(seriesUid, first(list[0], Tag.SOPInstanceUID));
  }

  async function chooseInstance(seriesUid, instanceUid) {
    for (const card of instances.querySelectorAll('[data-instance]')) {
      card.setAttribute('aria-pressed', String(card.dataset.instance === instanceUid));
    }
    const tagBox = h('div', {class: 'tag-box'});
    const factBox = h('div', {class: 'file-facts'});
    const viewer = `#/viewer/${[studyUid, seriesUid, instanceUid].map(encodeURIComponent).join('/')}`;
    replace(details, h('h2', {}, 'Instance'),
      h('p', {class: 'actions'},
        h('a', {href: viewer, class: 'button'}, 'Open in viewer'),
        h('a', {href: instanceFileUrl(instanceUid), class: 'button', download: `${instanceUid}.dcm`},
          'Download DICOM file')),
      factBox, tagBox);
    try {
      const [header] = await metadata(studyUid, seriesUid, instanceUid);
      await renderTagTable(tagBox, header);
    } catch (error) {
      replace(tagBox, message('error', `The header could not be read: ${error.message}`));
    }
    try {
      renderFacts(factBox, await instanceFacts(instanceUid));
    } catch (error) {
      replace(factBox, message('error', `The file facts could not be read: ${error.message}`));
    }
  }

  await refresh();
  return {refresh};
}

function plural(n, noun) {
  return `${Number(n).toLocaleString()} ${noun}${n === 1 ? '' : 's'}`;
}

// 1234567 -> "1.2 MB" (decimal units, as file managers show them).
function byteSize(bytes) {
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB'];
  let value = Number(bytes);
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    ++unit;
  }
  return unit === 0 ? `${value} bytes` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

function renderFacts(box, facts) {
  const rows = [
    ['Path', facts.path], ['Size', `${Number(facts.size_bytes).toLocaleString()} bytes`],
    ['SHA-256', facts.sha256], ['Received at', facts.received_at],
    ['Sender', [facts.calling_aet, facts.peer_address && `from ${facts.peer_address}`,
                facts.called_aet && `to ${facts.called_aet}`].filter(Boolean).join(' ')],
    ['Source', facts.source], ['Transfer syntax', facts.transfer_syntax_uid],
    ['SOP class', facts.sop_class_uid],
    ['Size in pixels', facts.rows ? `${facts.columns} × ${facts.rows}, ${facts.number_of_frames ?? 1} frame(s)` : ''],
    ['Thumbnail', facts.thumbnail ?? 'none'],
  ];
  replace(box, h('h3', {}, 'File'), h('dl', {class: 'facts'},
    rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v ?? '')])));
}
