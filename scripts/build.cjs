#!/usr/bin/env node
// `npm run build`: compiles the API, the CLI and the libraries they use from TypeScript to
// CommonJS JavaScript under dist/.
// - The API and the libraries: @swc/core, file by file (the compiler swc-node already uses in
//   development, so the output behaves the same: decorator metadata for Nest, the same module
//   interop). node_modules stays external, the generated Prisma client included.
// - The CLI: one file, dist/cli/src/main.js, bundled by esbuild with its dependencies, so that
//   `kordon` starts in about the time of `node -e 0`: resolving and reading the ~1,000 files of
//   the Kubernetes and Azure clients, which the libraries' index pulls in, costs more than
//   the analysis of a demo cluster. (esbuild cannot emit decorator metadata, hence swc for Nest.)
//
// Layout: apps/<app>/src/** → dist/<app>/src/**, libs/<lib>/src/** → dist/<lib>/src/**. Each
// output file sits as deep as its source, so the sources' `__dirname`-relative paths to the
// repository (package.json, prisma/migrations, demo/) resolve the same from dist/. The
// `@kordon/*` path aliases are rewritten to relative requires.
//
// A manifest (dist/build-manifest.json) records a fingerprint of the inputs (path, size, mtime);
// `isFresh()` compares it in a few milliseconds, so bin/kordon.cjs and npm start can tell a
// current build from a stale one without compiling. `--if-stale` builds only when needed and
// does nothing where the sources are absent (an image's dependency stage).
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const distDir = path.join(root, 'dist');
const manifestFile = path.join(distDir, 'build-manifest.json');

/** Source folders and where they go. */
const UNITS = [
  ['apps/api/src', 'api/src'],
  ['apps/cli/src', null], // bundled, see bundleCli()
  ['libs/policy-engine/src', 'policy-engine/src'],
  ['libs/collectors/src', 'collectors/src'],
  ['libs/contracts/src', 'contracts/src'],
];

/** The `@kordon/*` aliases of tsconfig.base.json, as files under dist/. */
const ALIASES = {
  '@kordon/policy-engine': 'policy-engine/src/index.js',
  '@kordon/collectors/testing': 'collectors/src/testing/index.js',
  '@kordon/collectors': 'collectors/src/index.js',
  '@kordon/contracts': 'contracts/src/index.js',
};

/** Files that change the output without being sources. */
const EXTRA_INPUTS = ['package.json', 'tsconfig.base.json', 'scripts/build.cjs'];

const isSource = (name) => name.endsWith('.ts') && !name.endsWith('.d.ts') && !/\.(e2e-)?spec\.ts$/.test(name);

function walk(dir, out) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(p, out);
    else if (isSource(entry.name)) out.push(p);
  }
  return out;
}

/** Every source file as [absolute source, absolute output]. */
function sources() {
  const files = [];
  for (const [from, to] of UNITS) {
    const srcDir = path.join(root, from);
    if (!fs.existsSync(srcDir)) continue;
    for (const file of walk(srcDir, [])) {
      if (!to) {
        files.push([file, null]);
        continue;
      }
      const rel = path.relative(srcDir, file).replace(/\.ts$/, '.js');
      files.push([file, path.join(distDir, to, rel)]);
    }
  }
  return files.sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

function fingerprint(files) {
  const h = createHash('sha256');
  for (const f of [...files.map(([src]) => src), ...EXTRA_INPUTS.map((p) => path.join(root, p))]) {
    let st;
    try {
      st = fs.statSync(f);
    } catch {
      h.update(`${f}:missing\n`);
      continue;
    }
    h.update(`${path.relative(root, f)}:${st.size}:${st.mtimeMs}\n`);
  }
  return h.digest('hex');
}

/** True when dist/ was built from exactly the sources on disk now. */
function isFresh() {
  try {
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
    return manifest.fingerprint === fingerprint(sources());
  } catch {
    return false;
  }
}

/** `require("@kordon/x")` → `require("../../x/src/index.js")`, relative to the output file. */
function rewriteAliases(code, outFile, outDir) {
  return code.replace(/require\((["'])(@kordon\/[a-z-]+(?:\/testing)?)\1\)/g, (whole, q, spec) => {
    const target = ALIASES[spec];
    if (!target) throw new Error(`${outFile}: unknown path alias ${spec}`);
    let rel = path.relative(path.dirname(outFile), path.join(outDir, target)).split(path.sep).join('/');
    if (!rel.startsWith('.')) rel = `./${rel}`;
    return `require(${q}${rel}${q})`;
  });
}

const SWC_OPTIONS = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs', strictMode: true, ignoreDynamic: false },
  sourceMaps: true,
  swcrc: false,
  configFile: false,
};

/**
 * The cloud clients, marked free of import side effects for the CLI bundle: the libraries' index
 * re-exports the Kubernetes and AKS collectors, which the CLI never calls, so esbuild may drop
 * them with their clients (1.7 MB less to parse at every start) instead of running their module
 * code. Whatever the CLI does call keeps what it uses.
 */
const PURE_PACKAGES = /^(@kubernetes\/client-node|@azure\/[a-z-]+)$/;
const purePackages = {
  name: 'kordon-pure-packages',
  setup(b) {
    b.onResolve({ filter: PURE_PACKAGES }, async (args) => {
      if (args.pluginData === 'kordon-pure') return undefined;
      const resolved = await b.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, importer: args.importer, pluginData: 'kordon-pure' });
      return { ...resolved, sideEffects: false };
    });
  },
};

/** The CLI as one CommonJS file, at the depth of its source (cli.ts finds package.json so). */
async function bundleCli(outDir) {
  const esbuild = require('esbuild');
  await esbuild.build({
    entryPoints: [path.join(root, 'apps/cli/src/main.ts')],
    outfile: path.join(outDir, 'cli/src/main.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    tsconfig: path.join(root, 'tsconfig.base.json'), // the @kordon/* paths
    logLevel: 'error',
    legalComments: 'none',
    plugins: [purePackages],
    // jsonc-parser's "main" is a UMD build whose require('./impl/…') calls esbuild cannot follow;
    // its ES module build bundles.
    alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
  });
}

async function build() {
  const started = Date.now();
  const swc = require('@swc/core');
  const files = sources();
  const print = fingerprint(files);
  // Written beside dist/ (same depth, so the relative paths hold) and swapped in at the end: a
  // `kordon` starting meanwhile sees the old build or none, never half of one.
  const outDir = path.join(root, `.dist-build-${process.pid}`);
  fs.rmSync(outDir, { recursive: true, force: true });
  const relocate = (out) => path.join(outDir, path.relative(distDir, out));
  await Promise.all([
    bundleCli(outDir),
    ...files.filter(([, out]) => out).map(async ([src, finalOut]) => {
      const out = relocate(finalOut);
      const result = await swc.transformFile(src, { ...SWC_OPTIONS, filename: src, outputPath: out, sourceFileName: path.relative(path.dirname(out), src) });
      fs.mkdirSync(path.dirname(out), { recursive: true });
      const code = rewriteAliases(result.code, out, outDir);
      fs.writeFileSync(out, `${code}\n//# sourceMappingURL=${path.basename(out)}.map\n`);
      if (result.map) fs.writeFileSync(`${out}.map`, result.map);
    }),
  ]);
  fs.writeFileSync(relocate(manifestFile), `${JSON.stringify({ fingerprint: print, files: files.length, builtAt: new Date().toISOString() }, null, 2)}\n`);
  fs.rmSync(distDir, { recursive: true, force: true });
  fs.renameSync(outDir, distDir);
  return { files: files.length, ms: Date.now() - started };
}

module.exports = { build, isFresh, sources, distDir, root };

if (require.main === module) {
  const ifStale = process.argv.includes('--if-stale');
  if (ifStale && !fs.existsSync(path.join(root, 'apps/api/src/main.ts'))) process.exit(0);
  if (ifStale && isFresh()) process.exit(0);
  build().then(
    ({ files, ms }) => console.log(`[kordon] compiled ${files} TypeScript files to dist/ (the CLI as one bundle) in ${(ms / 1000).toFixed(1)} s`),
    (err) => {
      fs.rmSync(path.join(root, `.dist-build-${process.pid}`), { recursive: true, force: true });
      console.error(`[kordon] build failed: ${err.message}`);
      process.exit(1);
    },
  );
}
