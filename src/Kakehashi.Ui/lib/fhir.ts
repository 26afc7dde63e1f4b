// The few FHIR shapes the apps read; the server's answers are JSON, typed only as far as used.

export interface Issue {
  severity?: string;
  code?: string;
  diagnostics?: string;
  expression?: string[];
  location?: string[];
  details?: { coding?: { system?: string; code?: string }[]; text?: string };
}

export interface OperationOutcome {
  resourceType: 'OperationOutcome';
  issue?: Issue[];
}

export interface Reference {
  reference?: string;
  display?: string;
  identifier?: { system?: string; value?: string };
}

export interface Resource {
  resourceType: string;
  id?: string;
  meta?: { tag?: { system?: string; code?: string }[]; lastUpdated?: string; profile?: string[] };
  [element: string]: unknown;
}

export interface BundleEntry<T = Resource> {
  fullUrl?: string;
  resource?: T;
  search?: { mode?: string };
}

export interface Bundle<T = Resource> {
  resourceType: 'Bundle';
  total?: number;
  entry?: BundleEntry<T>[];
  link?: { relation: string; url: string }[];
}

/** The resources of one type in a search or view Bundle, without the server's outcome notes. */
export function resourcesOf<T extends Resource>(bundle: Bundle, type: string): T[] {
  return (bundle.entry ?? [])
    .filter(e => e.resource?.resourceType === type && e.search?.mode !== 'outcome')
    .map(e => e.resource as T);
}
