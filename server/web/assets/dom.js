// Building DOM nodes without innerHTML: every value is set as text or as an
// attribute, so nothing a sender put in a DICOM header can become markup.

// h('a', {href: '#/x', class: 'y', onclick: fn}, 'text', child, [more])
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  setAttributes(node, attrs);
  append(node, children);
  return node;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
export function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  setAttributes(node, attrs);
  append(node, children);
  return node;
}

function setAttributes(node, attrs) {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      node.addEventListener(name.slice(2), value);
    } else {
      node.setAttribute(name, value === true ? '' : String(value));
    }
  }
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
}

// Replaces the children of `node`.
export function replace(node, ...children) {
  node.replaceChildren();
  append(node, children);
}

// A message box: kind is 'error', 'note' or 'empty'.
export function message(kind, text) {
  return h('p', {class: `message ${kind}`, role: kind === 'error' ? 'alert' : 'status'}, text);
}

// An <img> that shows a placeholder instead of a broken image when the
// server has no thumbnail (the 404 is expected, not an error of the page).
export function thumbnail(src, alt) {
  const img = h('img', {src, alt, loading: 'lazy', class: 'thumb', decoding: 'async'});
  img.addEventListener('error', () => img.classList.add('missing'), {once: true});
  return img;
}
