// Calls to the server with the access token; errors become ApiError carrying the OperationOutcome.
import { accessToken } from './auth.js';

export class ApiError extends Error {
  constructor(status, outcome) {
    super(outcome?.issue?.[0]?.diagnostics ?? `HTTP ${status}`);
    this.status = status;
    this.outcome = outcome;
  }

  get issues() {
    return this.outcome?.issue ?? [];
  }
}

async function send(path, options = {}) {
  const token = accessToken();
  if (!token) throw new ApiError(401, null);
  let response;
  try {
    response = await fetch(path, {
      ...options,
      headers: { Accept: 'application/fhir+json, application/json', Authorization: `Bearer ${token}`, ...(options.headers ?? {}) },
    });
  } catch {
    throw new ApiError(0, null);
  }
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!response.ok) throw new ApiError(response.status, body?.resourceType === 'OperationOutcome' ? body : null);
  return body;
}

export function checkEligibility(request) {
  return send('/eligibility/check', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(request) });
}

export function readPatient(id) {
  return send(`/fhir/Patient/${encodeURIComponent(id)}`);
}

export function historyView(patientId, view) {
  return send(`/fhir/Patient/${encodeURIComponent(patientId)}/$${view}`);
}
