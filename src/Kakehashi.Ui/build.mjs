// Bundles the web apps into the server's embedded assets (src/Kakehashi.Server/Ui/assets/build).
// The output is committed, so that running the platform needs only the .NET SDK; the test run
// rebuilds it and fails when the committed files differ (test/reproducible.test.mjs).
//
//   node build.mjs           write the bundles
//   node build.mjs --tests   bundle test/*.test.ts into .test-build/ for node --test
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
export const outDir = join(here, '..', 'Kakehashi.Server', 'Ui', 'assets', 'build');

/** One bundle per app; esbuild's output is a pure function of these options and the sources. */
export const appOptions = {
  absWorkingDir: here,
  entryPoints: { staff: 'staff/main.tsx', portal: 'portal/main.tsx' },
  outdir: outDir,
  bundle: true,
  format: 'esm',
  target: 'es2022',
  platform: 'browser',
  minify: true,
  charset: 'utf8',
  legalComments: 'eof',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  logLevel: 'warning',
};

async function buildTests() {
  const tests = readdirSync(join(here, 'test')).filter(f => f.endsWith('.test.ts')).map(f => join('test', f));
  await esbuild.build({
    ...appOptions,
    entryPoints: tests,
    outdir: join(here, '.test-build'),
    outExtension: { '.js': '.mjs' },
    platform: 'node',
    minify: false,
    external: ['node:*'],
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--tests')) await buildTests();
  else await esbuild.build(appOptions);
}
