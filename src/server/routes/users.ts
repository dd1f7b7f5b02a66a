// POST /users, POST /create-user and PUT /users/<id> as a key-store route: the user and the
// completed key commit in one transaction (one atomic phase), so a retry either finds the stored
// answer or runs it all again.

import { complete } from '../key-store/phases.ts';
import { respond } from '../steps.ts';
import { isUserRoute, plainUserSteps, WRITE_USER, writeUser } from '../users.ts';
import type { Route } from './route.ts';

export const usersRoute: Route = {
  serves: isUserRoute,
  // A user has one phase, so a key resumes only ever at the start.
  resumeAt: { started: WRITE_USER },
  phases: (store) => ({
    [WRITE_USER]: (input, effect) => {
      const { response } = writeUser(store.db, input, effect, Number(input.locals.keyId));
      complete(store, input, response);
      return respond(response);
    },
  }),
  plain: plainUserSteps,
};
