// Field errors worded as k8s.io/apimachinery/pkg/util/validation/field prints them
// ("<path>: Invalid value: 110: not in valid range [0-100]"); the path goes into InputError.field.

export interface ConfigIssue {
  field: string;
  detail: string;
}

function goValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(' ')}]`;
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

export const fieldInvalid = (field: string, value: unknown, detail: string): ConfigIssue => ({ field, detail: `Invalid value: ${goValue(value)}: ${detail}` });
export const fieldRequired = (field: string, detail: string): ConfigIssue => ({ field, detail: detail ? `Required value: ${detail}` : 'Required value' });
export const fieldDuplicate = (field: string, value: unknown): ConfigIssue => ({ field, detail: `Duplicate value: ${goValue(value)}` });
export const fieldForbidden = (field: string, detail: string): ConfigIssue => ({ field, detail: `Forbidden: ${detail}` });
export const fieldNotSupported = (field: string, value: unknown, supported: readonly string[]): ConfigIssue => ({
  field,
  detail: `Unsupported value: ${goValue(value)}: supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}`,
});
