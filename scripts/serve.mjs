// Zero-dependency static server for the e2e: mounts a built dist/ under a sub-path on 127.0.0.1
// (or another loopback address: the e2e's mock blog is a second origin on 127.0.0.2).
// Usage: node scripts/serve.mjs <port> <mount, e.g. /twice/> <dir, e.g. dist> [host]
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';

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
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': info.size,
      'cache-control': 'no-store',
    });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).pipe(res);
  } catch {
    send(res, 404, 'not found\n');
  }
});

server.listen(port, host, () => {
  console.log(`serving ${root} at http://${host}:${port}${mount}`);
});

// Playwright stops the web server with SIGTERM; exit at once rather than wait for keep-alive sockets.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
