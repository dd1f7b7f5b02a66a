// tidy: the rules of docs/architecture.md as a test — rings, no import cycles, bans, headers, dead files.
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
  /** import('…'): a chunk loaded when needed. */
  readonly dynamic?: boolean;
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
  // Lazily loaded modules (a chunk the first screen does not pay for) are imports too.
  for (const match of file.text.matchAll(/(typeof\s+)?\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    const line = file.text.slice(0, match.index).split('\n').length;
    found.push({
      file: file.rel,
      line,
      spec: match[2] ?? '',
      typeOnly: Boolean(match[1]),
      dynamic: true,
    });
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
    /^pkg:(@noble\/hashes\/|canonicalize$|structured-headers$)/.test(t) ||
    (typeOnly && t === 'pkg:sql.js'),
  scenarios: (t) => ['src:sim', 'src:server', 'src:scenarios'].includes(t),
  engine: (t, typeOnly) =>
    ['src:sim', 'src:server', 'src:scenarios', 'src:engine'].includes(t) ||
    /^pkg:@noble\/hashes\//.test(t) ||
    (typeOnly && t === 'pkg:sql.js'),
  // src/bench holds the benchmark page; the benchmark itself is the engine's.
  bench: (t, typeOnly) =>
    ['src:sim', 'src:server', 'src:scenarios', 'src:engine', 'src:bench', 'pkg:comlink'].includes(
      t,
    ) ||
    (typeOnly && ['pkg:sql.js', 'src:worker'].includes(t)),
  // src/embed holds <twice-demo>, a classic script for other sites: it may use the UI's pure helpers.
  embed: (t) => ['src:embed', 'src:ui'].includes(t),
  // The workers never import src/bench: the playground's worker ships no benchmark page code.
  worker: (t) =>
    ['src:engine', 'src:worker', 'pkg:comlink', 'pkg:sql.js'].includes(t) ||
    t.startsWith('pkg:sql.js/dist/'),
  // d3-scale and d3-shape only in the lazily loaded chart chunk (src/ui/often/charts.ts).
  ui: (t, typeOnly) =>
    [
      'src:ui',
      'pkg:comlink',
      'pkg:idb',
      'pkg:valibot',
      'pkg:virtual:pwa-register',
      'pkg:d3-scale',
      'pkg:d3-shape',
    ].includes(t) ||
    t.startsWith('pkg:svelte') ||
    (typeOnly && ['src:worker', 'src:engine', 'src:scenarios', 'src:sim'].includes(t)),
};

/** The source file a relative import names (with or without its extension); none for a package. */
function resolveImport(from: string, spec: string, known: ReadonlySet<string>): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = relative(ROOT, resolve(dirname(join(ROOT, from)), spec.split('?')[0] ?? ''));
  return ['', '.ts', '.svelte', '.svelte.ts', '/index.ts']
    .map((ending) => `${base}${ending}`)
    .find((path) => known.has(path));
}

/**
 * Who imports whom among `sources`, type-only imports included: a type cycle is a layout cycle
 * too. `unresolved` lists the relative imports that name no file of `known`.
 */
function importGraph(
  sources: readonly { rel: string; text: string }[],
  known: ReadonlySet<string> = new Set(sources.map((f) => f.rel)),
): { graph: Map<string, string[]>; unresolved: string[] } {
  const unresolved: string[] = [];
  const graph = new Map(
    sources.map((f) => {
      const targets = importsOf(f).flatMap((i) => {
        const to = resolveImport(f.rel, i.spec, known);
        if (!to && i.spec.startsWith('.')) unresolved.push(`${i.file}:${i.line}: '${i.spec}'`);
        return to ?? [];
      });
      return [f.rel, [...new Set(targets)].sort()];
    }),
  );
  return { graph, unresolved };
}

/**
 * The cycles of a graph, one per strongly connected component (Tarjan), each named by the
 * shortest closed path through the component's first node, "a → b → a", and the component's
 * other members, whose cycles a fix of that path may leave: "a → b → a (with c)".
 */
function cyclesOf(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const components: string[][] = [];
  // Recursion is bounded by the number of nodes: each is entered once.
  const connect = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node) ?? 0);
    stack.push(node);
    for (const to of graph.get(node) ?? []) {
      if (!index.has(to)) {
        connect(to);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(to) ?? 0));
      } else if (stack.includes(to)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(to) ?? 0));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component = stack.splice(stack.lastIndexOf(node));
    const looped = component.length > 1 || (graph.get(node) ?? []).includes(node);
    if (looped) components.push(component.sort());
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) connect(node);
  return components
    .map((component) => {
      const loop = shortestLoop(graph, component);
      const others = component.filter((node) => !loop.includes(node));
      return `${loop.join(' → ')}${others.length > 0 ? ` (with ${others.join(', ')})` : ''}`;
    })
    .sort();
}

/** The shortest path from a component's first node back to itself, staying inside it (BFS). */
function shortestLoop(
  graph: ReadonlyMap<string, readonly string[]>,
  component: string[],
): string[] {
  const start = component[0] ?? '';
  const inside = new Set(component);
  const cameFrom = new Map<string, string>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head] ?? '';
    for (const to of graph.get(node) ?? []) {
      if (to === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(cameFrom.get(path[0] ?? '') ?? start);
        return [...path, start];
      }
      if (inside.has(to) && !cameFrom.has(to)) {
        cameFrom.set(to, node);
        queue.push(to);
      }
    }
  }
  throw new Error(`component ${component.join(', ')} has no loop through ${start}`);
}

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

/**
 * The UI's pure shaping modules: a trace in, what the page draws out (the diagram's layout, the
 * narration, the divergence, the columns, the timeline). The engine worker runs them too, so the
 * page's thread never makes a pass over a long run (docs/architecture.md, "Drawing bounded by the
 * screen"); they import nothing but each other at run time, so no Svelte or DOM reaches a worker.
 */
const SHAPING = /^src\/ui\/(diagram\/[a-z-]+|columns|timeline)\.ts$/;
const resolved = (i: Import) => relative(ROOT, resolve(dirname(join(ROOT, i.file)), i.spec));

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
        .filter((i) => !(ring(file.rel) === 'worker' && SHAPING.test(resolved(i))))
        .map(
          (i) =>
            `${i.file}:${i.line}: ${ring(file.rel)} may not import ${i.typeOnly ? 'type ' : ''}'${i.spec}'`,
        );
    });
    expect(bad).toEqual([]);
  });

  test('the shaping modules the worker runs import only each other at run time', () => {
    const shaping = code.filter((f) => SHAPING.test(f.rel));
    expect(shaping.map((f) => f.rel)).toContain('src/ui/diagram/layout.ts');
    const bad = shaping.flatMap((file) =>
      importsOf(file)
        .filter((i) => !i.typeOnly && !SHAPING.test(resolved(i)))
        .map((i) => `${i.file}:${i.line}: a shaping module may not import '${i.spec}'`),
    );
    expect(bad).toEqual([]);
  });

  test('no import cycles in src/, type-only imports included', () => {
    const { graph, unresolved } = importGraph(code, new Set(files.map((f) => f.rel)));
    // Every relative import is an edge of the graph, or a cycle could hide behind one it missed.
    expect(unresolved).toEqual([]);
    expect([...graph.values()].flat().length).toBeGreaterThan(graph.size);
    expect(cyclesOf(graph)).toEqual([]);
  });

  test('the cycle finder names each cycle, resolves imports without an extension, and counts types', () => {
    const { graph, unresolved } = importGraph([
      { rel: 'src/a.ts', text: "import type { B } from './b.ts';\nimport 'pkg';" },
      { rel: 'src/b.ts', text: "import { c } from './c';\nimport { g } from './g.ts';" },
      { rel: 'src/c.ts', text: "export type { A } from './a.ts';" },
      { rel: 'src/g.ts', text: "import {\n  type B,\n  b,\n} from './b.ts';" },
      { rel: 'src/d.ts', text: "import View from './v.svelte';" },
      {
        rel: 'src/v.svelte',
        text: '<script lang="ts">\n  import { s } from \'./s.svelte\';\n</script>',
      },
      { rel: 'src/s.svelte.ts', text: "import { d } from './d.ts';" },
      { rel: 'src/e.ts', text: "import { e } from './e.ts';" },
      { rel: 'src/f.ts', text: "import { a } from './a.ts';\nimport { x } from './x.ts';" },
    ]);
    expect(unresolved).toEqual(["src/f.ts:2: './x.ts'"]);
    expect(cyclesOf(graph)).toEqual([
      'src/a.ts → src/b.ts → src/c.ts → src/a.ts (with src/g.ts)',
      'src/d.ts → src/v.svelte → src/s.svelte.ts → src/d.ts',
      'src/e.ts → src/e.ts',
    ]);
    graph.set('src/c.ts', []);
    graph.set('src/g.ts', []);
    graph.set('src/s.svelte.ts', []);
    graph.set('src/e.ts', []);
    expect(cyclesOf(graph)).toEqual([]);
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
    const worker = code.filter((f) => ring(f.rel) === 'worker');
    expect(worker.some((f) => /\.wasm\?url/.test(f.text))).toBe(true);
    expect(worker.some((f) => /expose\(/.test(f.text))).toBe(true);
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

  test('the chart library loads lazily: d3 is used only behind a dynamic import', () => {
    const known = new Set(files.map((f) => f.rel));
    const users = new Set(
      code.filter((f) => importsOf(f).some((i) => /^d3-/.test(i.spec))).map((f) => f.rel),
    );
    expect(users.size).toBeGreaterThan(0);
    // The chunk's entry is imported only with import(); the d3 users only by that entry.
    const entry = 'src/ui/often/charts.ts';
    const bad = code.flatMap((f) =>
      importsOf(f)
        .filter((i) => !i.typeOnly)
        .flatMap((i) => {
          const to = resolveImport(f.rel, i.spec, known);
          if (to === entry && !i.dynamic) return [`${i.file}:${i.line} imports ${entry} eagerly`];
          if (to && users.has(to) && f.rel !== entry) return [`${i.file}:${i.line} imports ${to}`];
          return [];
        }),
    );
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
