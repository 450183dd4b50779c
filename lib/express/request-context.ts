import type { NextFunction, Request, Response } from 'express';
import type { Challenge } from '../core/challenge';
import type { AnyAuthenticationError } from '../errors';

/** What the middleware leaves on a request for the guards that run after it. */
export interface AuthContext {
  /** The challenge of the guards' bare 401. */
  readonly challenge: Challenge;
  /** Answers an authentication error the way the middleware was configured to. */
  readonly fail: (err: AnyAuthenticationError, req: Request, res: Response, next: NextFunction) => void;
  /** Whether the guards let this request through: its method is one of `excludeMethods`. */
  readonly guardsPass: boolean;
  /** The first backend's clock (milliseconds since the epoch), for the step-up guards' `maxAge`. */
  readonly clock: () => number;
}
