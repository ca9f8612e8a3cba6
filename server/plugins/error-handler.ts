// One error shape for every failure: `{ error: { code, message } }`. 4xx messages are meant for the caller; 5xx
// details stay in the log (with the request id) and the caller gets a generic message.
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from '@fastify/type-provider-zod';
import { AppError } from '../errors.js';

const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_request',
};

export function installErrorHandler(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    if (error instanceof AppError) return reply.code(error.status).send({ error: { code: error.code, message: error.message } });
    if (hasZodFastifySchemaValidationErrors(error)) {
      const message = error.validation.map((v) => `${v.instancePath.replace(/^\//, '').replaceAll('/', '.') || error.validationContext}: ${v.message}`).join('; ');
      // A refinement that names its own code (`params: { code }`, e.g. unsafe_text) refused well-formed input: a 422.
      const codes = error.validation.map((v) => (v.params as { params?: { code?: unknown } }).params?.code);
      if (codes.every((code) => typeof code === 'string')) return reply.code(422).send({ error: { code: codes[0] as string, message } });
      return reply.code(400).send({ error: { code: 'invalid_request', message } });
    }
    if (isResponseSerializationError(error)) {
      request.log.error({ err: error, issues: error.cause.issues }, 'response did not match its schema');
      return reply.code(500).send({ error: { code: 'internal', message: 'Something went wrong on our side' } });
    }
    const status = error.statusCode ?? 500;
    if (status === 429) return reply.code(429).send({ error: { code: 'rate_limited', message: error.message || 'Too many requests; try again later' } });
    if (status >= 400 && status < 500) {
      return reply.code(status).send({ error: { code: FASTIFY_CODES[error.code] ?? 'invalid_request', message: error.message } });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send({ error: { code: 'internal', message: 'Something went wrong on our side' } });
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ error: { code: 'not_found', message: `No route for ${request.method} ${request.url.split('?')[0]}` } });
  });
}
