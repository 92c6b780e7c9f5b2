// Defaults come from the schema's `default` members, the one place they are written (and documented). Ajv's
// useDefaults stays off so that validation can never complete a push; whoever wants defaults (the settings
// loader) asks for them here, explicitly, before validating.
import { type SchemaDoc, type SchemaName, schemaById, schemaDoc } from './files.js';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// defineProperty, not assignment: a JSON.parse'd `__proto__` key must stay a plain key, never a prototype.
function put(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function deepCopy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(deepCopy);
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(v)) put(out, key, deepCopy(v[key]));
    return out;
  }
  return v;
}

// Follows `$ref`s to our own schemas (`other.schema.json`) and local definitions (`#/definitions/x`).
function deref(node: SchemaDoc, root: SchemaDoc): { node: SchemaDoc; root: SchemaDoc } {
  let cur = node;
  let base = root;
  for (let hops = 0; typeof cur.$ref === 'string'; hops++) {
    if (hops > 16) throw new Error(`$ref loop at ${cur.$ref}`);
    const url = new URL(cur.$ref, base.$id ?? 'https://invalid/');
    const target = cur.$ref.startsWith('#') ? base : schemaById(url.href);
    if (target === undefined) throw new Error(`unresolvable $ref ${cur.$ref}`);
    let walked: unknown = target;
    for (const token of url.hash.replace(/^#\/?/, '').split('/').filter(Boolean)) {
      const key = decodeURIComponent(token).replace(/~1/g, '/').replace(/~0/g, '~');
      walked = isPlainObject(walked) ? walked[key] : undefined;
    }
    if (!isPlainObject(walked)) throw new Error(`unresolvable $ref ${cur.$ref}`);
    cur = walked as SchemaDoc;
    base = target;
  }
  return { node: cur, root: base };
}

function fill(value: unknown, schema: SchemaDoc, root: SchemaDoc): unknown {
  const { node, root: base } = deref(schema, root);
  if (!isPlainObject(value) || node.properties === undefined) return value;
  for (const [key, sub] of Object.entries(node.properties)) {
    const { node: resolved } = deref(sub, base);
    if (!Object.hasOwn(value, key) && resolved.default !== undefined)
      put(value, key, deepCopy(resolved.default));
    if (Object.hasOwn(value, key)) put(value, key, fill(value[key], sub, base));
  }
  return value;
}

/**
 * A deep copy of `value` in which every absent property that has a `default` in schema `name` is filled in,
 * recursively: an absent object whose default is `{}` is created and then filled. Present values (even null
 * or of the wrong type) are kept as they are, for the validator to judge. `undefined` counts as absent.
 */
export function applyDefaults<T = unknown>(name: SchemaName, value: unknown): T {
  const root = schemaDoc(name);
  const start = value === undefined ? deepCopy(root.default ?? {}) : deepCopy(value);
  return fill(start, root, root) as T;
}

/** What the schema alone says: `applyDefaults(name, {})`. */
export function schemaDefaults<T = unknown>(name: SchemaName): T {
  return applyDefaults<T>(name, {});
}
