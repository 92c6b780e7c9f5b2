// The one Ajv instance of the process. Every schema is added once (so cross-file `$ref`s resolve by `$id`) and
// each validator is compiled on first use and cached: compiling is the expensive part, validating is cheap.
import { Ajv, type ValidateFunction } from 'ajv';
import formats from 'ajv-formats';
import { SCHEMA_NAMES, type SchemaName, schemaDoc } from './files.js';

let ajv: Ajv | undefined;
const compiled = new Map<SchemaName, ValidateFunction>();

function instance(): Ajv {
  if (ajv === undefined) {
    const created = new Ajv({
      strict: true,
      allErrors: true,
      // Never: a push must state its whole config, it may not be completed by the validator. Settings get their
      // defaults explicitly from applyDefaults(), which walks the same schema.
      useDefaults: false,
      // `"type": ["string", "null"]` is how the schemas spell a nullable value; strict mode otherwise refuses it.
      allowUnionTypes: true,
    });
    formats.default(created);
    for (const name of SCHEMA_NAMES) created.addSchema(schemaDoc(name));
    ajv = created;
  }
  return ajv;
}

/** The compiled validator of `name` (compiled at most once per process). */
export function validator(name: SchemaName): ValidateFunction {
  let fn = compiled.get(name);
  if (fn === undefined) {
    const id = schemaDoc(name).$id;
    if (id === undefined) throw new Error(`schemas/${name}.schema.json has no $id`);
    fn = instance().getSchema(id);
    if (fn === undefined) throw new Error(`schema ${id} was not added`);
    compiled.set(name, fn);
  }
  return fn;
}

const derived = new Map<string, ValidateFunction>();

/**
 * The validator of a schema made from ours at run time (see envelope.ts), compiled once per `key` in the same
 * instance, so its `$ref`s resolve. `build` must return a schema without an `$id` of its own.
 */
export function derivedValidator(key: string, build: () => object): ValidateFunction {
  let fn = derived.get(key);
  if (fn === undefined) {
    fn = instance().compile(build());
    derived.set(key, fn);
  }
  return fn;
}
