import { NotFoundError } from '@omni/errors';
import type { Logger } from '@omni/logging';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { toErrorResponse } from './error-response';
import { requestIdOf } from './request-id';

/** Unknown routes answer in the same shape as every other error. */
export function notFoundHandler(): RequestHandler {
  return (req, _res, next) => {
    next(new NotFoundError(`no route for ${req.method} ${req.path}`));
  };
}

/**
 * The single place where an HTTP API turns a thrown error into a response.
 * Errors whose message is hidden from the caller are logged with the request
 * id, which the caller also gets in the X-Request-Id header.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const requestId = requestIdOf(res);
    const context = { err, requestId, method: req.method, path: req.path };
    if (res.headersSent) {
      // Too late for an error body: cut the connection so the client sees a truncated reply.
      logger.error(context, 'error after the response started');
      res.destroy();
      return;
    }
    const response = toErrorResponse(err);
    if (response.hidden) logger.error(context, 'request failed');
    else if (response.status >= 500) logger.warn(context, 'request failed');
    res.status(response.status).set(response.headers).json(response.body);
  };
}
