import { z } from 'zod';
import { ErrorBodySchema, QuestionSchema } from '../contracts/api.js';

/** Every route documents the shared error body for the 4xx answers it can give. */
export const errorResponses = {
  400: ErrorBodySchema,
  401: ErrorBodySchema,
  403: ErrorBodySchema,
  404: ErrorBodySchema,
  409: ErrorBodySchema,
  422: ErrorBodySchema,
};
export const IdParamsSchema = z.object({ id: z.string().min(1).max(64) });
export const SlugParamsSchema = z.object({ slug: z.string().min(1).max(40) });
/** The answer of every route that changes a question: the question as it now stands. */
export const QuestionBody = z.object({ question: QuestionSchema });
