// Zero-dependency static server for the e2e: mounts a built dist/ under a sub-path on 127.0.0.1
// (or another loopback address: the e2e's mock blog is a second origin on 127.0.0.2). Text and wasm
// go out compressed (brotli, else gzip) when the browser accepts it, as a real static host sends them.
// Usage: node scripts/serve.mjs <port> <mount, e.g. /twice/> <dir, e.g. dist> [host]
import { readdir, readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const [portArg = '4178', mountArg = '/twice/', dirArg = 'dist', host = '127.0.0.1'] =
  process.argv.slice(2);
const port = Number(portArg);
const mount = `/${mountArg.replace(/^\/+|\/+$/g, '')}/`.replace('//', '/');
const root = resolve(dirArg);

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** Worth compressing: everything but the PNG icons (already compressed). */
const COMPRESSIBLE = /^(text\/|application\/(json|manifest\+json|wasm)|image\/svg)/;
const ENCODERS = {
  // Quality 5: within 2 % of 9's size in a fifth of the time (the sql.js wasm: 0.4 s, once).
  br: (data) =>
    promisify(brotliCompress)(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } }),
  gzip: (data) => promisify(gzip)(data, { level: 6 }),
};
/** Compressed bodies by encoding, file and version (mtime and size); a rebuilt dist/ misses. */
const compressed = new Map();
const MAX_CACHED = 200;

/** The encoding to send, from the request's Accept-Encoding (brotli first), or null. */
function encodingFor(accept = '') {
  const offered = accept.split(',').map((part) => part.trim().split(';')[0]);
  return ['br', 'gzip'].find((name) => offered.includes(name)) ?? null;
}

async function compressedBody(file, info, encoding) {
  const key = `${encoding} ${file} ${info.mtimeMs} ${info.size}`;
  let body = compressed.get(key);
  if (!body) {
    body = ENCODERS[encoding](await readFile(file));
    if (compressed.size >= MAX_CACHED) compressed.delete(compressed.keys().next().value);
    compressed.set(key, body);
  }
  return body;
}

function send(res, status, text) {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text);
}

/** The file a URL path names inside root, or null when it is outside the mount or escapes root. */
function fileFor(pathname) {
  if (!pathname.startsWith(mount)) return null;
  let relative;
  try {
    relative = decodeURIComponent(pathname.slice(mount.length));
  } catch {
    return null;
  }
  if (relative === '' || relative.endsWith('/')) relative += 'index.html';
  const file = resolve(join(root, relative));
  return file === root || file.startsWith(root + sep) ? file : null;
}

const server = createServer(async (req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed\n');
  const { pathname } = new URL(req.url ?? '/', 'http://127.0.0.1');
  // The mount without its slash would resolve relative URLs one level too high: redirect.
  if (`${pathname}/` === mount) {
    res.writeHead(301, { location: mount });
    return res.end();
  }
  const file = fileFor(pathname);
  if (!file) return send(res, 404, 'not found\n');
  try {
    const info = await stat(file);
    if (!info.isFile()) return send(res, 404, 'not found\n');
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    const encoding = COMPRESSIBLE.test(type) ? encodingFor(req.headers['accept-encoding']) : null;
    const body = encoding ? await compressedBody(file, info, encoding) : await readFile(file);
    res.writeHead(200, {
      'content-type': type,
      'content-length': body.length,
      'cache-control': 'no-store',
      vary: 'accept-encoding',
      ...(encoding ? { 'content-encoding': encoding } : {}),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  } catch {
    send(res, 404, 'not found\n');
  }
});

/**
 * Compresses every file the browser will ask for before listening, so no first request waits on
 * it (the sql.js wasm alone takes a noticeable moment): at most MAX_CACHED files, brotli only.
 */
async function warm() {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() && COMPRESSIBLE.test(TYPES[extname(e.name)] ?? ''))
    .slice(0, MAX_CACHED);
  for (const entry of files) {
    const file = join(entry.parentPath, entry.name);
    await compressedBody(file, await stat(file), 'br');
  }
}

await warm();
server.listen(port, host, () => {
  console.log(`serving ${root} at http://${host}:${port}${mount}`);
});

// Playwright stops the web server with SIGTERM; exit at once rather than wait for keep-alive sockets.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
