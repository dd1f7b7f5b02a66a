// tidy: the architecture rules of ARCHITECTURE.md as a test — rings, bans, headers, dead files.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const SRC = join(ROOT, 'src');

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

const files = walk(SRC).map((path) => ({
  path,
  rel: relative(ROOT, path),
  text: readFileSync(path, 'utf8'),
}));
const code = files.filter((f) => /\.(ts|svelte)$/.test(f.path));
const ring = (rel: string) => rel.split('/')[1] ?? '';

interface Import {
  readonly file: string;
  readonly line: number;
  readonly spec: string;
  readonly typeOnly: boolean;
}

function importsOf(file: { rel: string; text: string }): Import[] {
  const found: Import[] = [];
  const pattern = /^\s*(import|export)\s+(type\s+)?(?:[^'"]*?\s+from\s+)?['"]([^'"]+)['"]/gm;
  for (const match of file.text.matchAll(pattern)) {
    const line = file.text.slice(0, match.index).split('\n').length;
    const typeOnly =
      Boolean(match[2]) ||
      (/^\s*import\s*\{\s*type\s[^}]*\}\s*from/.test(match[0]) &&
        !/,\s*(?!type\s)\w/.test(match[0].replace(/^[^{]*\{/, '')));
    found.push({ file: file.rel, line, spec: match[3] ?? '', typeOnly });
  }
  return found;
}

/** The ring an import lands in: a src folder for relative imports, else the package name. */
function target(from: string, spec: string): string {
  if (!spec.startsWith('.')) return `pkg:${spec.split('?')[0]}`;
  const path = relative(ROOT, resolve(dirname(join(ROOT, from)), spec));
  return path.startsWith('src/') ? `src:${path.split('/')[1]}` : `outside:${path}`;
}

// Which rings and packages each ring may import at run time (type-only imports may also reach sql.js).
const ALLOWED: Record<string, (t: string, typeOnly: boolean) => boolean> = {
  sim: (t) => t === 'src:sim',
  server: (t, typeOnly) =>
    ['src:sim', 'src:server'].includes(t) ||
    /^pkg:(@noble\/hashes\/|canonicalize$)/.test(t) ||
    (typeOnly && t === 'pkg:sql.js'),
  scenarios: (t) => ['src:sim', 'src:server', 'src:scenarios'].includes(t),
  engine: (t, typeOnly) =>
    ['src:sim', 'src:server', 'src:scenarios', 'src:engine'].includes(t) ||
    /^pkg:@noble\/hashes\//.test(t) ||
    (typeOnly && t === 'pkg:sql.js'),
  // src/bench holds the benchmark and the page that runs it in the worker.
  bench: (t, typeOnly) =>
    ['src:sim', 'src:server', 'src:scenarios', 'src:engine', 'src:bench', 'pkg:comlink'].includes(
      t,
    ) ||
    (typeOnly && ['pkg:sql.js', 'src:worker'].includes(t)),
  // src/embed holds <twice-demo>, a classic script for other sites: it may use the UI's pure helpers.
  embed: (t) => ['src:embed', 'src:ui'].includes(t),
  worker: (t) =>
    ['src:engine', 'src:bench', 'src:worker', 'pkg:comlink', 'pkg:sql.js'].includes(t) ||
    t.startsWith('pkg:sql.js/dist/'),
  ui: (t, typeOnly) =>
    ['src:ui', 'pkg:comlink', 'pkg:idb', 'pkg:valibot', 'pkg:virtual:pwa-register'].includes(t) ||
    t.startsWith('pkg:svelte') ||
    (typeOnly && ['src:worker', 'src:engine', 'src:scenarios', 'src:sim'].includes(t)),
};

const CORE = ['sim', 'server', 'scenarios', 'engine'];
const AMBIENT = [
  /\bMath\.random\b/,
  /\bDate\.now\b/,
  /\bnew Date\b/,
  /\bperformance\.now\b/,
  /\bcrypto\./,
  /\brandomUUID\b/,
  /\bsetTimeout\b/,
  /\bsetInterval\b/,
  /\bqueueMicrotask\b/,
  /(?<![\w$.-])document\./,
  /(?<![\w$.-])window\./,
  /\bglobalThis\b/,
  /(?<![\w$.-])self\./,
  /\bMath\.(log|log2|log10|log1p|exp|expm1|pow|sqrt|cbrt|hypot|sin|cos|tan|asin|acos|atan|atan2|sinh|cosh|tanh)\b/,
];
const SQL_TIME_OR_RANDOM =
  /\b(CURRENT_TIMESTAMP|CURRENT_TIME|CURRENT_DATE|randomblob\s*\(|random\s*\(\s*\)|(date|time|datetime|julianday|strftime|unixepoch)\s*\([^)]*'now')/i;

function lines(text: string): [number, string][] {
  return text.split('\n').map((l, i) => [i + 1, l]);
}

/** The code of a line without its comment, so prose may name what the code must not do. */
function codeOf(line: string, sql: boolean): string {
  if (/^\s*(\*|\/\*)/.test(line)) return '';
  return line.replace(sql ? /--.*$/ : /\/\/.*$/, '');
}

describe('tidy', () => {
  test('found the source tree', () => {
    expect(code.length).toBeGreaterThan(20);
    for (const r of ['sim', 'server', 'scenarios', 'engine', 'worker', 'ui'])
      expect(code.some((f) => ring(f.rel) === r)).toBe(true);
  });

  test('dependencies point inward only', () => {
    const bad = code.flatMap((file) => {
      const allowed = ALLOWED[ring(file.rel)];
      if (!allowed) return [];
      return importsOf(file)
        .filter((i) => !allowed(target(i.file, i.spec), i.typeOnly))
        .map(
          (i) =>
            `${i.file}:${i.line}: ${ring(file.rel)} may not import ${i.typeOnly ? 'type ' : ''}'${i.spec}'`,
        );
    });
    expect(bad).toEqual([]);
  });

  test('the deterministic core has no ambient randomness, time, timers or DOM', () => {
    const bad = code
      .filter((f) => CORE.includes(ring(f.rel)))
      .flatMap((f) =>
        lines(f.text)
          .filter(([, l]) => AMBIENT.some((p) => p.test(codeOf(l, false))))
          .map(([n, l]) => `${f.rel}:${n}: ${l.trim()}`),
      );
    expect(bad).toEqual([]);
  });

  test('SQL never reads the wall clock or draws random numbers: virtual time is a bound parameter', () => {
    const bad = files
      .filter((f) => CORE.includes(ring(f.rel)) && /\.(ts|sql)$/.test(f.path))
      .flatMap((f) =>
        lines(f.text)
          .filter(([, l]) => SQL_TIME_OR_RANDOM.test(codeOf(l, f.path.endsWith('.sql'))))
          .map(([n, l]) => `${f.rel}:${n}: ${l.trim()}`),
      );
    expect(bad).toEqual([]);
  });

  test('only the worker imports the wasm URL or exposes the engine with Comlink', () => {
    const bad = code
      .filter(
        (f) => ring(f.rel) !== 'worker' && /(\.wasm\?url|Comlink\.expose|\bexpose\()/.test(f.text),
      )
      .map((f) => f.rel);
    expect(bad).toEqual([]);
    expect(
      code.some(
        (f) => ring(f.rel) === 'worker' && /\.wasm\?url/.test(f.text) && /expose\(/.test(f.text),
      ),
    ).toBe(true);
  });

  test('no FIXME, svelte/store, any, enum or focused/skipped tests anywhere', () => {
    const tests = walk(join(ROOT, 'test')).filter(
      (p) => p.endsWith('.ts') && !p.endsWith('tidy.test.ts'),
    );
    const all = [
      ...code,
      ...tests.map((path) => ({
        path,
        rel: relative(ROOT, path),
        text: readFileSync(path, 'utf8'),
      })),
    ];
    const banned = [
      /FIXME/,
      /svelte\/store/,
      /:\s*any\b|\bas any\b|<any>/,
      /^\s*(export\s+)?(const\s+)?enum\s/,
      /\b(it|test|describe)\.(only|skip|todo)\b/,
    ];
    const bad = all.flatMap((f) =>
      lines(f.text)
        .filter(([, l]) => banned.some((p) => p.test(l)))
        .map(([n, l]) => `${f.rel}:${n}: ${l.trim()}`),
    );
    expect(bad).toEqual([]);
  });

  test('every source file opens with a one-line header saying what it is for', () => {
    const bad = files.filter((f) => !/^(\/\/ |-- |<!-- |\/\* )\S/.test(f.text)).map((f) => f.rel);
    expect(bad).toEqual([]);
  });

  test('every source file is used: imported by another, or an entry point', () => {
    const entries = new Set([
      'src/main.ts',
      'src/embed/twice-demo.ts',
      'src/worker/engine.worker.ts',
      'src/vite-env.d.ts',
      'src/bench/index.html',
    ]);
    const referenced = new Set<string>();
    // Scripts load modules through Vite's runner: runnerImport('/src/…').
    for (const path of walk(join(ROOT, 'scripts')))
      for (const m of readFileSync(path, 'utf8').matchAll(/['"]\/(src\/[^'"]+)['"]/g))
        referenced.add(m[1] ?? '');
    for (const f of files.filter((file) => file.path.endsWith('.html')))
      for (const m of f.text.matchAll(/src="(\.[^"]+)"/g))
        referenced.add(relative(ROOT, resolve(dirname(f.path), m[1] ?? '')));
    for (const f of code) {
      for (const i of importsOf(f))
        if (i.spec.startsWith('.'))
          referenced.add(relative(ROOT, resolve(dirname(f.path), i.spec.split('?')[0] ?? '')));
      for (const m of f.text.matchAll(/new URL\(\s*['"]([^'"]+)['"]/g))
        referenced.add(relative(ROOT, resolve(dirname(f.path), m[1] ?? '')));
    }
    const dead = files
      .filter((f) => !entries.has(f.rel) && !referenced.has(f.rel))
      .map((f) => f.rel);
    expect(dead).toEqual([]);
  });
});
