// The page's entry point: a hash router over the screens (no PHI in URLs:
// only UIDs), and the live poll that refreshes the screen shown when new
// instances arrive.

import {changes} from './api.js';
import {renderActivity} from './activity.js';
import {message, replace} from './dom.js';
import {renderSql} from './sql.js';
import {renderStudies} from './studies.js';
import {renderStudy} from './study.js';
import {renderViewer} from './viewer.js';

const POLL_MS = 3000;
const view = document.getElementById('view');
const live = document.getElementById('live');
let screen = {};  // the screen shown; its refresh() (if any) is called on changes

const ROUTES = [
  [/^#\/study\/([0-9.]+)$/, 'studies', (m) => renderStudy(view, m[1])],
  [/^#\/viewer\/([0-9.]+)\/([0-9.]+)\/([0-9.]+)$/, 'studies', (m) => renderViewer(view, m[1], m[2], m[3])],
  [/^#\/sql$/, 'sql', () => renderSql(view)],
  [/^#\/activity$/, 'activity', () => renderActivity(view)],
  [/^(#\/?)?$/, 'studies', () => renderStudies(view)],
];

async function route() {
  const hash = decodeURIComponent(location.hash);
  const [pattern, nav, render] = ROUTES.find(([p]) => p.test(hash)) ?? [];
  for (const link of document.querySelectorAll('[data-nav]')) {
    link.toggleAttribute('aria-current', link.dataset.nav === nav);
  }
  if (!render) {
    screen = {};
    replace(view, message('error', 'There is no such page.'));
    return;
  }
  screen = {};
  const shown = await render(hash.match(pattern));
  screen = shown ?? {};
}

let lastInstance = null;
async function poll() {
  try {
    const now = await changes();
    live.classList.remove('offline');
    live.textContent = `live · ${now.studies} stud${now.studies === 1 ? 'y' : 'ies'}`;
    if (lastInstance !== null && now.last_instance !== lastInstance) screen.refresh?.();
    lastInstance = now.last_instance;
  } catch {
    live.classList.add('offline');
    live.textContent = 'offline';
  }
  setTimeout(poll, POLL_MS);
}

window.addEventListener('hashchange', route);
route();
poll();
