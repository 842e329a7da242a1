import { z } from 'zod';
import { SlackApiError } from './slack-api-error.js';

/** Arguments of one Web API call, from a form body, a JSON body or the query string. */
export type WebApiParams = Record<string, unknown>;

function parseJsonOr(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A form-encoded call sends objects as JSON strings; a JSON call sends them as they are. Accept both. */
export function jsonArgument<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (typeof value === 'string' ? parseJsonOr(value) : value), schema);
}

/** Form bodies carry booleans as `true`/`1`. */
export const flagArgument = z.preprocess((value) => {
  if (value === 'true' || value === '1' || value === 1) return true;
  if (value === 'false' || value === '0' || value === 0 || value === '') return false;
  return value;
}, z.boolean());

/** Slack ids and timestamps arrive as strings, or as numbers from careless JSON. */
export const textArgument = z.union([z.string(), z.number()]).transform(String);

export const blocksArgument = jsonArgument(z.array(z.record(z.string(), z.unknown())));

export const metadataArgument = jsonArgument(
  z.object({ event_type: z.string().min(1), event_payload: z.record(z.string(), z.unknown()) }),
);

/**
 * Reads one argument. Missing and optional → undefined; missing and required, or malformed → the Slack error
 * code the real method answers with for that argument.
 */
export function argument<T extends z.ZodType>(
  params: WebApiParams,
  name: string,
  schema: T,
  errorCode: string,
  required = false,
): z.output<T> | undefined {
  const raw = params[name];
  if (raw === undefined || raw === null || raw === '') {
    if (required) throw new SlackApiError(errorCode, missing(name));
    return undefined;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new SlackApiError(errorCode, {
      response_metadata: {
        messages: parsed.error.issues.map(
          (issue) => `[ERROR] ${issue.message} [json-pointer:/${[name, ...issue.path].join('/')}]`,
        ),
      },
    });
  }
  return parsed.data;
}

export function requiredArgument<T extends z.ZodType>(
  params: WebApiParams,
  name: string,
  schema: T,
  errorCode: string,
): z.output<T> {
  const value = argument(params, name, schema, errorCode, true);
  if (value === undefined) throw new SlackApiError(errorCode, missing(name));
  return value;
}

function missing(name: string): Record<string, unknown> {
  return {
    response_metadata: { messages: [`[ERROR] missing required field: ${name} [json-pointer:/${name}]`] },
  };
}
