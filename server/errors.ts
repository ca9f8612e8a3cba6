// Business errors carry a stable code and the HTTP status the route should answer with; the one error handler in
// app.ts turns them into `{ error: { code, message } }`.
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what: string) => new AppError(404, 'not_found', `${what} not found`);
export const conflict = (code: string, message: string) => new AppError(409, code, message);
export const forbidden = (message = 'You are not allowed to do that') => new AppError(403, 'forbidden', message);
export const unauthorized = (message = 'Log in first') => new AppError(401, 'unauthorized', message);
export const invalid = (code: string, message: string) => new AppError(422, code, message);
