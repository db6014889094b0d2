// Validates a SARIF log against the official OASIS SARIF 2.1.0 JSON schema
// shipped in test/data (JSON Schema draft-04, hence ajv-draft-04).
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv-draft-04';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

export const SARIF_SCHEMA_PATH = path.join(__dirname, '..', 'data', 'sarif-schema-2.1.0.json');

let validator: ValidateFunction | undefined;

function getValidator(): ValidateFunction {
  if (!validator) {
    const schema = JSON.parse(fs.readFileSync(SARIF_SCHEMA_PATH, 'utf8')) as Record<string, unknown>;
    // strict: false - the official schema trips ajv's strict mode (e.g. `required`
    // inside anyOf branches, union types such as ["array", "null"]).
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    validator = ajv.compile(schema);
  }
  return validator;
}

function formatError(e: ErrorObject): string {
  const where = e.instancePath === '' ? '/' : e.instancePath;
  const params = e.params as Record<string, unknown>;
  let detail = '';
  if (e.keyword === 'enum' && Array.isArray(params.allowedValues)) {
    detail = ` (${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')})`;
  } else if (e.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
    detail = ` ('${params.additionalProperty}')`;
  }
  return `${where}: ${e.message ?? e.keyword}${detail}`;
}

/** Returns [] when `doc` is a valid SARIF 2.1.0 log, otherwise readable errors with instance paths. */
export function validateSarif(doc: unknown): string[] {
  const validate = getValidator();
  if (validate(doc)) return [];
  const errors = (validate.errors ?? []).map(formatError);
  return [...new Set(errors)];
}
