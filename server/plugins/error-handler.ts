// One error shape for every failure: `{ error: { code, message } }`. 4xx messages are meant for the caller; 5xx
// details stay in the log (with the request id) and the caller gets a generic message.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
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
    if (error instanceof AppError)
      return reply.code(error.status).send({ error: { code: error.code, message: error.message } });
    if (hasZodFastifySchemaValidationErrors(error)) {
      const message = error.validation
        .map(
          (v) => `${v.instancePath.replace(/^\//, '').replaceAll('/', '.') || error.validationContext}: ${v.message}`,
        )
        .join('; ');
      // A refinement that names its own code (`params: { code }`, e.g. unsafe_text) refused well-formed input: a 422.
      const codes = error.validation.map((v) => (v.params as { params?: { code?: unknown } }).params?.code);
      if (codes.every((code) => typeof code === 'string'))
        return reply.code(422).send({ error: { code: codes[0] as string, message } });
      return reply.code(400).send({ error: { code: 'invalid_request', message } });
    }
    if (isResponseSerializationError(error)) {
      request.log.error({ err: error, issues: error.cause.issues }, 'response did not match its schema');
      return reply.code(500).send({ error: { code: 'internal', message: 'Something went wrong on our side' } });
    }
    const status = error.statusCode ?? 500;
    if (status === 429)
      return reply
        .code(429)
        .send({ error: { code: 'rate_limited', message: error.message || 'Too many requests; try again later' } });
    if (status >= 400 && status < 500) {
      return reply
        .code(status)
        .send({ error: { code: FASTIFY_CODES[error.code] ?? 'invalid_request', message: error.message } });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send({ error: { code: 'internal', message: 'Something went wrong on our side' } });
  });

  app.setNotFoundHandler((request, reply) => {
    reply
      .code(404)
      .send({ error: { code: 'not_found', message: `No route for ${request.method} ${request.url.split('?')[0]}` } });
  });
}

const errorBody = (code: string, message: string) => ({ error: { code, message } });

/**
 * Fastify's `frameworkErrors`: the router's refusals (a path that is not valid URL encoding, a path parameter longer
 * than the router keeps) happen before any route, so they bypass the error handler; they answer in the same shape.
 * A parameter too long for the router is too long for every id schema too, so it is the same 400.
 */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  const message =
    error.code === 'FST_ERR_BAD_URL'
      ? 'The path is not valid URL encoding'
      : error.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? 'A path parameter is too long'
        : 'The request is not valid';
  return reply.code(400).header('cache-control', 'no-store').send(errorBody('invalid_request', message));
}

/**
 * Node's `clientError`: requests Node's parser refuses (headers over its size limit, malformed HTTP, a client too
 * slow) never reach Fastify. Answered as Node and Fastify would — a status and a closed socket — in the API's shape.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket) {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message]: [number, string, string] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'headers_too_large', 'The request headers are too large']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'request_timeout', 'The request took too long to arrive']
        : [400, 'invalid_request', 'The request is not valid HTTP'];
  const body = JSON.stringify(errorBody(code, message));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
