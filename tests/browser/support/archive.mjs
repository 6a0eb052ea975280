// The real pixeldex binary for a node test (the browser tests, the
// dicomweb-client tests): `pixeldex serve` on free ports (--port 0,
// --http 127.0.0.1:0) in a fresh temporary folder, with one user (read-only
// unless `access: 'rw'`);
// ready when it printed its "listening" lines (readiness awaited, never slept
// for). Studies go in through DCMTK's storescu, as from a modality.

import {execFileSync, spawn} from 'node:child_process';
import {mkdtempSync, mkdirSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {writeInstance} from './dicom_file.mjs';

export const BINARY = process.env.PIXELDEX_BINARY ?? new URL('../../../build/pixeldex', import.meta.url).pathname;

let uidCounter = 0;
// A fresh UID below a test root, unique across runs.
export function uid() {
  return `1.2.826.0.1.3680043.10.1234.${process.pid}.${Date.now() % 1e9}.${++uidCounter}`;
}

function hashPassword(secret) {
  // Few iterations keep the test quick; the format is the production one.
  return execFileSync(BINARY, ['hash-password', '--iterations', '1000'], {input: `${secret}\n`})
    .toString().split('\n')[0];
}

// A new bearer token and its hash for http.tokens (`pixeldex hash-password
// --token`: the token, then its hash).
export function newToken() {
  const [token, hash] = execFileSync(BINARY, ['hash-password', '--token', '--iterations', '1000'])
    .toString().split('\n');
  return {token, hash};
}

export class Archive {
  static async start({user = 'alice', password = 'wonderland', access = 'ro', settings = []} = {}) {
    const dir = mkdtempSync(join(tmpdir(), 'pixeldex-test-'));
    const archive = new Archive(dir, user, password, access, settings);
    await archive.#launch();
    return archive;
  }

  constructor(dir, user, password, access, settings) {
    this.dir = dir;
    this.settings = settings;
    this.user = user;
    this.password = password;
    this.access = access;
    this.log = '';
    this.files = 0;
    // A SQLite file of its own, or the PostgreSQL database a test runs beside
    // (tests/support/with_postgres.cpp), which one archive at a time may use.
    this.index = process.env.PIXELDEX_TEST_POSTGRES ?? join(dir, 'index.db');
  }

  async #launch() {
    const users = this.user === null ? [] :
      ['--set', `http.users=${this.user}:${hashPassword(this.password)}:${this.access}`];
    this.process = spawn(BINARY, ['serve', '--port', '0', '--http', '127.0.0.1:0',
      '--storage', join(this.dir, 'storage'), '--index', this.index,
      ...users, ...this.settings.flatMap((s) => ['--set', s])], {stdio: ['ignore', 'pipe', 'pipe']});
    this.process.stderr.on('data', (chunk) => { this.log += chunk; });
    let out = '';
    await new Promise((resolve, reject) => {
      this.process.on('exit', (code) => reject(new Error(`pixeldex exited with ${code}:\n${this.log}`)));
      this.process.stdout.on('data', (chunk) => {
        out += chunk;
        const http = out.match(/pixeldex http listening on [^\s]*:(\d+)/);
        const dicom = out.match(/pixeldex listening on [^\s]*:(\d+)/);
        if (http && dicom) {
          this.httpPort = Number(http[1]);
          this.dicomPort = Number(dicom[1]);
          resolve();
        }
      });
    });
    this.process.removeAllListeners('exit');
    this.url = `http://127.0.0.1:${this.httpPort}/`;
  }

  // Writes the instances of `study` (series: [{modality, description,
  // instances, frames}]) and sends them with storescu. Returns the UIDs, and
  // the files sent (`files`, in the order of the series and instances).
  push(study) {
    const folder = join(this.dir, `push${++this.files}`);
    mkdirSync(folder);
    const studyUid = study.studyUid ?? uid();
    const files = [];
    const series = study.series.map((s, k) => {
      const seriesUid = uid();
      const instances = [];
      for (let n = 1; n <= (s.instances ?? 1); ++n) {
        const sopUid = uid();
        const path = join(folder, `${k}-${n}.dcm`);
        writeInstance(path, {...study, studyUid},
          {seriesUid, modality: s.modality, number: k + 1, description: s.description ?? ''},
          {sopUid, number: n, frames: s.frames});
        files.push(path);
        instances.push(sopUid);
      }
      return {seriesUid, instances};
    });
    execFileSync('storescu', ['-aet', 'MODALITY', '-aec', 'PIXELDEX', '127.0.0.1',
      String(this.dicomPort), ...files], {env: {...process.env, TCP_NODELAY: '1'}, stdio: 'pipe'});
    return {studyUid, series, files};
  }

  stop() {
    this.process.kill('SIGTERM');
    return new Promise((resolve) => {
      if (this.process.exitCode !== null) resolve();
      else this.process.on('exit', resolve);
    }).then(() => rmSync(this.dir, {recursive: true, force: true}));
  }
}
