// Makes many profile files from the real fixture profiles (test/fixtures/profiles/, written by the
// middleware), each with its own id, start time and path, laid out as the middleware lays them
// out: line 1 is `{"format":"request-profiler","version":1,"header":{...},` and the request
// follows on line 2. File names follow python/request_profiler/naming.py.
import { readdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';

const PROFILE_SUFFIX = '.rprof.json';

/** The readable fixture profiles as [header line, request line, rest] (broken fixtures left out). */
export function loadFixtureProfiles(fixtureDir) {
  const templates = [];
  for (const name of readdirSync(fixtureDir)
    .filter((n) => n.endsWith(PROFILE_SUFFIX))
    .sort()) {
    const text = readFileSync(join(fixtureDir, name), 'utf8');
    const lines = text.split('\n');
    try {
      const opening = JSON.parse(`${lines[0].replace(/,\s*$/, '')}}`);
      const request = JSON.parse(`{${lines[1].replace(/,\s*$/, '')}}`).request;
      JSON.parse(text); // only complete profiles: the broken fixtures are not what the middleware writes
      if (!opening.header || !request) continue;
      templates.push({ name, opening, request, rest: lines.slice(2).join('\n') });
    } catch {
      // a deliberately broken fixture
    }
  }
  if (templates.length === 0) throw new Error(`no readable profiles in ${fixtureDir}`);
  return templates;
}

/** yyyymmddTHHMMSS.ffffff in UTC, as naming.profile_stem writes it. */
function stamp(startSeconds) {
  const date = new Date(Math.floor(startSeconds * 1000));
  const pad = (n, width = 2) => String(n).padStart(width, '0');
  const micros = Math.round((startSeconds % 1) * 1e6) % 1e6;
  return (
    `${date.getUTCFullYear()}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}T` +
    `${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}.${pad(micros, 6)}`
  );
}

function pathSlug(path) {
  return (
    path
      .replace(/[^A-Za-z0-9_.]+/g, '_')
      .replace(/^[_.]+|[_.]+$/g, '')
      .slice(0, 40)
      .replace(/[_.]+$/, '') || 'root'
  );
}

/**
 * The file name and text of copy number `serial` of a template: the request path gets the serial
 * as a last segment (so every copy is a distinct request), start times are 50 ms apart from
 * `firstStart`.
 */
export function profileCopy(template, serial, firstStart, pid = 4242) {
  const start = firstStart + serial * 0.05;
  const path = `${template.opening.header.path.replace(/\/$/, '')}/${serial}`;
  const method = template.opening.header.method;
  const unique = `${(serial & 0xffff).toString(16).padStart(4, '0')}${(serial >>> 16).toString(16).padStart(4, '0')}`;
  const id = `${stamp(start)}-${method}-${pathSlug(path)}-${pid}-${unique}`;
  const header = { ...template.opening.header, id, start, path, pid };
  const opening = { format: template.opening.format, version: template.opening.version, header };
  const request = { ...template.request, path };
  const text = `${JSON.stringify(opening).slice(0, -1)},\n"request":${JSON.stringify(request)},\n${template.rest}`;
  return { name: `${id}${PROFILE_SUFFIX}`, text };
}

/** Writes `count` copies (cycling through the templates) straight to their final names. */
export function writeProfiles(dir, templates, count, firstStart) {
  let bytes = 0;
  for (let serial = 0; serial < count; serial++) {
    const { name, text } = profileCopy(templates[serial % templates.length], serial, firstStart);
    writeFileSync(join(dir, name), text);
    bytes += Buffer.byteLength(text);
  }
  return bytes;
}

/** Writes one profile as the middleware's writer does: a dot-file ending in .tmp, then a rename. */
export function writeProfileAtomically(dir, { name, text }) {
  const temporary = join(dir, `.${name}.${Math.random().toString(16).slice(2, 8)}.tmp`);
  writeFileSync(temporary, text, { mode: 0o600 });
  renameSync(temporary, join(dir, name));
  return join(dir, name);
}
