// A bar or line chart of one result column (categories or dates) against a
// numeric column, drawn as SVG by hand.

import {svg} from './dom.js';

const WIDTH = 720;
const HEIGHT = 300;
const MARGIN = {left: 64, right: 16, top: 12, bottom: 96};
const MAX_BAR = 56;

// points: [{label, value}]; kind: 'bar' or 'line'.
export function chart(points, kind) {
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const max = Math.max(0, ...points.map((p) => p.value));
  const min = Math.min(0, ...points.map((p) => p.value));
  const span = max - min || 1;
  const y = (v) => MARGIN.top + plotH - ((v - min) / span) * plotH;
  const slot = plotW / Math.max(1, points.length);
  const x = (k) => MARGIN.left + slot * k + slot / 2;
  const marks = [];
  if (kind === 'line') {
    const path = points.map((p, k) => `${k ? 'L' : 'M'}${x(k).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
    marks.push(svg('path', {d: path, class: 'line'}));
    points.forEach((p, k) => marks.push(svg('circle', {cx: x(k), cy: y(p.value), r: 3, class: 'dot'},
      svg('title', {}, `${p.label}: ${p.value}`))));
  } else {
    points.forEach((p, k) => {
      const top = y(Math.max(0, p.value));
      const height = Math.abs(y(p.value) - y(0));
      const width = Math.min(slot * 0.8, MAX_BAR);
      marks.push(svg('rect', {x: x(k) - width / 2, y: top, width, height: Math.max(height, 0.5), class: 'bar'},
        svg('title', {}, `${p.label}: ${p.value}`)));
    });
  }
  const every = Math.ceil(points.length / 24);  // at most 24 labels
  const labels = points.map((p, k) => (k % every ? null : svg('text', {
    x: x(k), y: MARGIN.top + plotH + 12, class: 'label',
    transform: `rotate(40 ${x(k)} ${MARGIN.top + plotH + 12})`}, String(p.label).slice(0, 20))));
  const ticks = [min, min + span / 2, max].map((v) => svg('text', {
    x: MARGIN.left - 6, y: y(v) + 4, class: 'tick'}, Number(v.toPrecision(4)).toLocaleString()));
  return svg('svg', {viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: 'chart', role: 'img',
                     'aria-label': `${kind} chart of ${points.length} values`},
    svg('line', {x1: MARGIN.left, y1: y(0), x2: WIDTH - MARGIN.right, y2: y(0), class: 'axis'}),
    svg('line', {x1: MARGIN.left, y1: MARGIN.top, x2: MARGIN.left, y2: MARGIN.top + plotH, class: 'axis'}),
    ticks, marks, labels);
}

// Whether the values look like dates or times (then a line suits them).
export function looksLikeDates(values) {
  return values.length > 0 && values.every((v) => /^\d{4}-?\d{2}(-?\d{2})?/.test(String(v)));
}
