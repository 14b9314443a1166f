import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

type Doc = {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>
  >;
  components: unknown;
};

/**
 * Validates admin API responses against the served OpenAPI 3.1 document with Ajv's JSON Schema
 * 2020-12 validator (the dialect OpenAPI 3.1 uses). Returns a checker that throws with Ajv's
 * errors when a body does not match the documented response, or when the document has no such
 * response at all.
 */
export function openapiValidator(doc: Doc) {
  const ajv = new (Ajv2020 as unknown as typeof Ajv2020.default)({
    strict: false,
    allErrors: true,
  });
  (addFormats as unknown as typeof addFormats.default)(ajv);
  ajv.addSchema({ $id: 'doc', components: doc.components });
  const seen = new Set<string>();
  return {
    seen,
    check(path: string, method: string, status: number, body: unknown): void {
      const response = doc.paths[path]?.[method.toLowerCase()]?.responses[String(status)];
      if (!response)
        throw new Error(`the document has no ${status} response for ${method} ${path}`);
      seen.add(`${method.toUpperCase()} ${path}`);
      const schema = response.content?.['application/json']?.schema;
      if (!schema) {
        if (body !== undefined && body !== '')
          throw new Error(`${method} ${path} ${status}: expected no body`);
        return;
      }
      const rewritten = JSON.parse(
        JSON.stringify(schema).replaceAll('"#/components', '"doc#/components'),
      );
      const validate = ajv.compile(rewritten);
      if (!validate(body))
        throw new Error(
          `${method} ${path} ${status} does not match the OpenAPI document: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body)}`,
        );
    },
  };
}
