// Schemas made from ours, for the screening steps that must judge an envelope apart from what it carries.
// Pure functions of the documents in schemas/: scripts/schema-validators.ts compiles them with the others.
import { schemaDoc } from './files.js';

/** The derived schemas, by the name their validator is exported under in compiled.gen.ts. */
export type DerivedName = 'push-envelope' | 'command-screen';

const SCALAR = { type: ['string', 'number', 'boolean', 'null'] };

/**
 * push.schema.json with `config` and `signature` loosened to their shape (schemas/envelope.ts says why).
 * Its `$id` sits beside push's, so the relative `$ref`s of push.schema.json resolve the same way.
 */
function pushEnvelope(): object {
  const push = schemaDoc('push');
  const { $id, title: _title, ...rest } = push;
  return {
    ...rest,
    $id: new URL('push.envelope.derived.json', $id).href,
    properties: {
      ...push.properties,
      // Two levels (sections of scalars) is all a config has; anything deeper is refused here, before the
      // signature check walks it.
      config: {
        type: 'object',
        maxProperties: 16,
        additionalProperties: {
          anyOf: [SCALAR, { type: 'object', maxProperties: 32, additionalProperties: SCALAR }],
        },
      },
      signature: { type: 'object' },
    },
  };
}

/**
 * command.schema.json with `signature` loosened to any object and no longer required, as the push screen does:
 * an unsigned command is `signature_missing` and a malformed signature `signature_invalid`, not
 * `schema_invalid`. verifyEnvelope enforces the signature's closed shape.
 */
function commandScreen(): object {
  const doc = schemaDoc('command');
  const { $id, title: _title, ...rest } = doc;
  return {
    ...rest,
    $id: new URL('command.screen.derived.json', $id).href,
    required: (doc.required as string[]).filter((k) => k !== 'signature'),
    properties: { ...doc.properties, signature: { type: 'object' } },
  };
}

export const DERIVED: Readonly<Record<DerivedName, () => object>> = {
  'push-envelope': pushEnvelope,
  'command-screen': commandScreen,
};
