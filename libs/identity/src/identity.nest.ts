import {
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  Injectable,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { NextFunction, Request, Response } from 'express';
import { forbidden, unauthenticated } from '@pdn/errors';
import { ANONYMOUS, type Caller, type Role } from './caller.js';
import { IDENTITY_HEADER, IDENTITY_SIGNATURE_HEADER, verifyIdentity } from './identity-header.js';

/** What every subgraph resolver finds in its GraphQL context. */
export interface SubgraphContext {
  caller: Caller;
  requestId: string;
  req: Request;
}

export type RequestWithCaller = Request & { caller?: Caller };

/**
 * Refuses, before GraphQL sees it, any request to a subgraph that does not carry an identity signed
 * with the shared key: with it, no one reaches data by calling a subgraph directly. Health endpoints
 * are mounted outside it.
 */
export function requireSignedIdentity(key: string, maxAgeSeconds?: number) {
  return (req: Request, res: Response, next: NextFunction) => {
    const result = verifyIdentity(
      req.header(IDENTITY_HEADER),
      req.header(IDENTITY_SIGNATURE_HEADER),
      key,
      { maxAgeSeconds },
    );
    if (!result.ok) {
      res.status(401).json({
        errors: [
          {
            message: 'This service only answers the gateway: the request carries no valid identity signature.',
            extensions: { code: 'UNAUTHENTICATED', reason: result.reason },
          },
        ],
      });
      return;
    }
    (req as RequestWithCaller).caller = result.caller;
    next();
  };
}

export function callerOf(req: Request | undefined): Caller {
  return (req as RequestWithCaller | undefined)?.caller ?? ANONYMOUS;
}

function contextOf(ctx: ExecutionContext): SubgraphContext {
  return GqlExecutionContext.create(ctx).getContext<SubgraphContext>();
}

/** The caller of the current GraphQL operation. */
export const CurrentCaller = createParamDecorator((_: unknown, ctx: ExecutionContext): Caller => {
  return contextOf(ctx).caller ?? ANONYMOUS;
});

const REQUIRED_ROLES = 'pdn:required-roles';
const REQUIRES_MEMBER = 'pdn:requires-member';

/** Only signed-in members with one of these roles (ADMIN always passes). */
export const RequireRole = (...roles: Role[]) => SetMetadata(REQUIRED_ROLES, roles);
/** Only signed-in members. */
export const RequireMember = () => SetMetadata(REQUIRES_MEMBER, true);

@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(ctx: ExecutionContext): boolean {
    const targets = [ctx.getHandler(), ctx.getClass()];
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, targets);
    const memberOnly = this.reflector.getAllAndOverride<boolean | undefined>(REQUIRES_MEMBER, targets);
    if (!roles && !memberOnly) return true;
    const caller = contextOf(ctx)?.caller ?? ANONYMOUS;
    if (caller.kind !== 'member') throw unauthenticated();
    if (roles && caller.role !== 'ADMIN' && !roles.includes(caller.role)) {
      throw forbidden(`This needs the role ${roles.join(' or ')}.`);
    }
    return true;
  }
}
