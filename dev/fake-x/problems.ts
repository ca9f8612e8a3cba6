export interface Problem {
  status: number;
  body: Record<string, unknown>;
}

const TITLES: Record<number, string> = {
  400: 'Invalid Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found Error',
  409: 'Conflict',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function problem(status: number, detail?: string, extra: Record<string, unknown> = {}): Problem {
  const title = TITLES[status] ?? 'Error';
  return { status, body: { title, detail: detail ?? title, type: 'about:blank', status, ...extra } };
}

export function invalidRequest(parameter: string, value: string, message: string): Problem {
  return {
    status: 400,
    body: {
      errors: [{ parameters: { [parameter]: [value] }, message }],
      title: 'Invalid Request',
      detail: 'One or more parameters to your request was invalid.',
      type: 'https://api.twitter.com/2/problems/invalid-request',
      status: 400,
    },
  };
}

export const unauthorized = (): Problem => problem(401, 'Unauthorized');

export const unsupportedAuthentication = (): Problem => ({
  status: 403,
  body: {
    title: 'Unsupported Authentication',
    detail:
      'Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint. Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].',
    type: 'https://api.twitter.com/2/problems/unsupported-authentication',
    status: 403,
  },
});

export const duplicateContent = (): Problem =>
  problem(403, 'You are not allowed to create a Tweet with duplicate content.');

export const replyNotAllowed = (): Problem =>
  problem(
    403,
    'Reply to this conversation is not allowed because you have not been mentioned or otherwise engaged by the author of the post you are replying to.',
  );

export const tooManyRequests = (): Problem => problem(429, 'Too Many Requests');

export function userNotFound(id: string): Record<string, unknown> {
  return {
    errors: [
      {
        value: id,
        detail: `Could not find user with id: [${id}].`,
        title: 'Not Found Error',
        resource_type: 'user',
        parameter: 'id',
        resource_id: id,
        type: 'https://api.twitter.com/2/problems/resource-not-found',
      },
    ],
  };
}
