// A single-page web application served from its own origin for a browser
// test: the files of `root` on 127.0.0.1, a free port, with index.html for
// any path that names no file (the application routes in the page, as its
// host's rewrite rule "/* /index.html 200" would) and `overrides` (a path
// and the text served for it, e.g. the /app-config.js the test writes).
// Only GET and HEAD; nothing outside `root` is ever served.

import {createReadStream, statSync} from 'node:fs';
import {createServer} from 'node:http';
import {extname, join, normalize, sep} from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',  // WebAssembly.instantiateStreaming requires it
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
};

// The file of `root` that `urlPath` names, or null (none, or not below root).
function fileIn(root, urlPath) {
  try {
    const path = normalize(join(root, decodeURIComponent(urlPath)));
    if (path !== root && !path.startsWith(root + sep)) return null;
    return statSync(path).isFile() ? path : null;
  } catch {
    return null;  // a malformed %-escape, or no such file
  }
}

export class StaticSite {
  static async start(root, overrides = {}) {
    const site = new StaticSite(normalize(root), overrides);
    await new Promise((resolve) => site.server.listen(0, '127.0.0.1', resolve));
    site.origin = `http://127.0.0.1:${site.server.address().port}`;
    return site;
  }

  constructor(root, overrides) {
    this.root = root;
    this.overrides = overrides;
    this.server = createServer((request, response) => this.#answer(request, response));
  }

  #answer(request, response) {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, {Allow: 'GET, HEAD'}).end();
      return;
    }
    const {pathname} = new URL(request.url, 'http://site');
    const override = this.overrides[pathname];
    if (override !== undefined) {
      response.writeHead(200, {'Content-Type': TYPES[extname(pathname)] ?? 'text/plain', 'Cache-Control': 'no-store'});
      response.end(request.method === 'HEAD' ? undefined : override);
      return;
    }
    const path = fileIn(this.root, pathname) ?? join(this.root, 'index.html');
    response.writeHead(200, {'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream'});
    if (request.method === 'HEAD') response.end();
    else createReadStream(path).pipe(response);
  }

  stop() {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(resolve));
  }
}
