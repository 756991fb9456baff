// Errors a user can cause. They carry where the problem is (file, object, field) so the CLI can
// print exactly one line and exit 2, never a stack trace.

export interface InputLocation {
  /** Path of the input file, or a description such as "--config" or "<stdin>". */
  file?: string;
  /** "Kind namespace/name" or "Kind name" of the object, when known. */
  object?: string;
  /** Field path inside the object, e.g. "spec.containers[0].resources.requests.cpu". */
  field?: string;
}

export class InputError extends Error {
  readonly location: InputLocation;
  readonly detail: string;
  constructor(location: InputLocation, detail: string) {
    super(formatInputError(location, detail));
    this.name = 'InputError';
    this.location = location;
    this.detail = detail;
  }
}

/** "file: Kind ns/name: field: detail" with the missing parts left out. */
export function formatInputError(loc: InputLocation, detail: string): string {
  const parts: string[] = [];
  if (loc.file) parts.push(loc.file);
  if (loc.object) parts.push(loc.object);
  if (loc.field) parts.push(loc.field);
  parts.push(oneLine(detail));
  return parts.join(': ');
}

/** Error text must stay on one line whatever a user's input contained. */
export function oneLine(s: string): string {
  return s.replace(/[\r\n\t]+/g, ' ');
}

/** Describes an object for messages: "Pod default/web-0", "Node node-1". */
export function describeObject(kind: string | undefined, meta: { name?: unknown; namespace?: unknown } | undefined): string {
  const k = typeof kind === 'string' && kind ? kind : 'object';
  const name = typeof meta?.name === 'string' ? meta.name : '<unnamed>';
  const ns = typeof meta?.namespace === 'string' && meta.namespace ? `${meta.namespace}/` : '';
  return `${k} ${JSON.stringify(ns + name).slice(1, -1)}`;
}

/** A command failed for a reason that is not bad input (exit 1). */
export class RunFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunFailure';
  }
}

/**
 * Thrown by per-kind validators: which field is wrong and why. The loader wraps it into an
 * InputError that also names the file and the object.
 */
export class FieldError extends Error {
  readonly field: string;
  readonly detail: string;
  constructor(field: string, detail: string) {
    super(`${field}: ${detail}`);
    this.name = 'FieldError';
    this.field = field;
    this.detail = detail;
  }
}
