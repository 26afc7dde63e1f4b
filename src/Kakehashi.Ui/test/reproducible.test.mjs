// The bundles the server embeds are committed; they must be exactly what these sources build.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import * as esbuild from 'esbuild';
import { appOptions, outDir } from '../build.mjs';

test('the committed bundles are what the sources build (run `npm run build` in src/Kakehashi.Ui)', async () => {
  const result = await esbuild.build({ ...appOptions, write: false });
  assert.ok(result.outputFiles.length >= 2);
  for (const file of result.outputFiles) {
    const committed = readFileSync(file.path);
    assert.ok(Buffer.compare(committed, Buffer.from(file.contents)) === 0, `${relative(outDir, file.path)} differs from a fresh build`);
  }
});

test('the bundles load nothing from another origin', () => {
  for (const name of ['staff.js', 'portal.js']) {
    const text = readFileSync(join(outDir, name), 'utf8');
    assert.doesNotMatch(text, /import\s*\(?\s*["']https?:/);
  }
});
