// The image viewer: a rendered frame (WADO-RS, PS3.18 10.4.1.1.3) of an
// instance, window/level by dragging (horizontal: width, vertical: center)
// or presets, the wheel or arrow keys through the frames and then through
// the instances of the series, zoom with +/- and pan by dragging with Shift.

import {metadata, qido, renderedFrameUrl, thumbnailUrl} from './api.js';
import {Tag, first} from './dicom.js';
import {h, message, replace} from './dom.js';

const PRESETS = [
  ['Default', null], ['Soft tissue', [40, 400]], ['Lung', [-600, 1500]],
  ['Bone', [300, 1500]], ['Brain', [40, 80]],
];

export async function renderViewer(view, studyUid, seriesUid, instanceUid) {
  const image = h('img', {class: 'frame', alt: 'rendered frame', draggable: 'false'});
  const status = h('p', {class: 'viewer-status', role: 'status'});
  const stage = h('div', {class: 'stage', tabindex: 0, 'aria-label': 'Image; drag to change window, wheel for frames'}, image);
  const presets = h('div', {class: 'presets'}, PRESETS.map(([label, window]) =>
    h('button', {type: 'button', onclick: () => setWindow(window ?? defaultWindow)}, label)));
  replace(view,
    h('p', {}, h('a', {href: `#/study/${encodeURIComponent(studyUid)}`}, '← Study')),
    h('div', {class: 'viewer'}, presets, stage, status));

  let instances = [];
  try {
    instances = await qido(`studies/${encodeURIComponent(studyUid)}/series/${encodeURIComponent(seriesUid)}/instances`,
                           {includefield: 'NumberOfFrames'});
  } catch (error) {
    replace(status, message('error', `The series could not be read: ${error.message}`));
    return {};
  }
  instances.sort((a, b) => Number(first(a, Tag.InstanceNumber)) - Number(first(b, Tag.InstanceNumber)));
  let index = Math.max(0, instances.findIndex((i) => first(i, Tag.SOPInstanceUID) === instanceUid));
  let frame = 1;
  let frames = 1;
  let defaultWindow = null;
  let window = null;
  let zoom = 1;
  let pan = [0, 0];

  async function loadInstance() {
    const uid = first(instances[index], Tag.SOPInstanceUID);
    try {
      const [header] = await metadata(studyUid, seriesUid, uid);
      frames = Number(first(header, Tag.NumberOfFrames)) || 1;
      const center = Number(first(header, Tag.WindowCenter));
      const width = Number(first(header, Tag.WindowWidth));
      defaultWindow = first(header, Tag.WindowWidth) !== '' && width > 0 ? [center, width] : null;
    } catch {
      frames = 1;
      defaultWindow = null;
    }
    window ??= defaultWindow;
    show();
  }

  function currentUid() {
    return first(instances[index], Tag.SOPInstanceUID);
  }

  function show() {
    const uid = currentUid();
    image.dataset.window = window ? window.join(',') : '';
    image.src = renderedFrameUrl(studyUid, seriesUid, uid, frame, window);
    status.textContent = `Instance ${index + 1} of ${instances.length} · frame ${frame} of ${frames}` +
      (window ? ` · window center ${Math.round(window[0])} width ${Math.round(window[1])}` : '');
  }

  // No rendered frame from the server (e.g. an encoding it cannot render):
  // the stored thumbnail stands in, and the page says so.
  image.addEventListener('error', () => {
    const fallback = thumbnailUrl(studyUid, seriesUid, currentUid());
    if (image.src.endsWith(fallback)) return;
    image.src = fallback;
    status.textContent += ' · the server could not render this frame; showing the thumbnail';
  });

  function setWindow(next) {
    window = next ? [next[0], Math.max(1, next[1])] : null;
    show();
  }

  function step(delta) {
    const nextFrame = frame + delta;
    if (nextFrame >= 1 && nextFrame <= frames) {
      frame = nextFrame;
      show();
      return;
    }
    const next = index + delta;
    if (next < 0 || next >= instances.length) return;
    index = next;
    frame = 1;
    loadInstance();
  }

  function transform() {
    image.style.transform = `translate(${pan[0]}px, ${pan[1]}px) scale(${zoom})`;
  }

  let drag = null;
  stage.addEventListener('pointerdown', (event) => {
    stage.setPointerCapture(event.pointerId);
    drag = {x: event.clientX, y: event.clientY, window: window ?? defaultWindow ?? [128, 256],
            pan: [...pan], shift: event.shiftKey};
  });
  stage.addEventListener('pointermove', (event) => {
    if (!drag) return;
    const dx = event.clientX - drag.x;
    const dy = event.clientY - drag.y;
    if (drag.shift) {
      pan = [drag.pan[0] + dx, drag.pan[1] + dy];
      transform();
      return;
    }
    const scale = Math.max(1, drag.window[1] / 256);
    status.textContent = `window center ${Math.round(drag.window[0] + dy * scale)} width ${Math.round(drag.window[1] + dx * scale)}`;
  });
  stage.addEventListener('pointerup', (event) => {
    if (!drag) return;
    const dx = event.clientX - drag.x;
    const dy = event.clientY - drag.y;
    const scale = Math.max(1, drag.window[1] / 256);
    if (!drag.shift && (dx !== 0 || dy !== 0)) {
      setWindow([drag.window[0] + dy * scale, drag.window[1] + dx * scale]);
    }
    drag = null;
  });
  stage.addEventListener('wheel', (event) => {
    event.preventDefault();
    step(event.deltaY > 0 ? 1 : -1);
  }, {passive: false});
  stage.addEventListener('keydown', (event) => {
    const keys = {ArrowDown: () => step(1), ArrowRight: () => step(1), ArrowUp: () => step(-1),
                  ArrowLeft: () => step(-1), '+': () => { zoom *= 1.25; transform(); },
                  '-': () => { zoom /= 1.25; transform(); }, '0': () => { zoom = 1; pan = [0, 0]; transform(); }};
    if (keys[event.key]) {
      event.preventDefault();
      keys[event.key]();
    }
  });
  if (instances.length === 0) {
    replace(status, message('empty', 'This series has no instances.'));
    return {};
  }
  await loadInstance();
  stage.focus();
  return {};
}
