import express, { type Request, type RequestHandler } from 'express';

/** How the bodies of one path's requests are read, instead of the shared JSON parser. */
export interface RouteBodyOptions {
  /** Largest body accepted (bytes, or a size like '30mb'); larger ones get 413. */
  limit: string | number;
  /** 'json' (default) parses as the shared parser does; 'raw' keeps the exact bytes as a Buffer in `req.body`. */
  format?: 'json' | 'raw';
  /**
   * Runs before the body is read and may throw (a typed error, answered as usual): a caller
   * without credentials cannot make the service buffer or parse a body under a large limit.
   */
  guard?: (req: Request) => void;
}

interface RouteBody {
  path: string;
  parse: RequestHandler;
  guard?: RouteBodyOptions['guard'];
}

/** The app's one body-reading middleware: a path's own parser where one was set, the shared JSON parser elsewhere. */
export class RouteBodies {
  private readonly routes: RouteBody[] = [];
  private readonly shared: RequestHandler;

  constructor(sharedLimit: string | number) {
    this.shared = express.json({ limit: sharedLimit });
  }

  add(path: string, { limit, format, guard }: RouteBodyOptions): void {
    if (!path.startsWith('/')) throw new Error(`bodyFor: path must start with "/": ${path}`);
    const parse = format === 'raw' ? express.raw({ type: () => true, limit }) : express.json({ limit });
    this.routes.push({ path: path.replace(/\/+$/, ''), parse, guard });
    // Longest path first, so the most specific setting wins.
    this.routes.sort((a, b) => b.path.length - a.path.length);
  }

  readonly middleware: RequestHandler = (req, res, next) => {
    const route = this.routes.find(({ path }) => req.path === path || req.path.startsWith(`${path}/`));
    try {
      route?.guard?.(req);
    } catch (error: unknown) {
      // Discarded unread, so the client still gets the answer on a connection it can reuse.
      req.resume();
      next(error);
      return;
    }
    (route?.parse ?? this.shared)(req, res, next);
  };
}
