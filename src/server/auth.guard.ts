import { Inject, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { HttpFailure } from './errors';
import { scopeOf, type ServeTokens, type TokenScope } from './tokens';

export const SERVE_TOKENS = Symbol.for('flash-serve.tokens');
const SCOPE = 'flash-serve.scope';

/** The token a route needs: `read` (a write token also reads) or `write`. Routes without it need none. */
export const NeedsScope = (scope: TokenScope): MethodDecorator & ClassDecorator => SetMetadata(SCOPE, scope);

/** 401 UNAUTHORIZED without a valid bearer token, 403 FORBIDDEN for a read token on a write route. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(SERVE_TOKENS) private readonly tokens: ServeTokens,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const needed = this.reflector.getAllAndOverride<TokenScope | undefined>(SCOPE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!needed) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const scope = scopeOf(this.tokens, request.headers.authorization);
    if (!scope)
      throw new HttpFailure(
        401,
        'UNAUTHORIZED',
        'send `Authorization: Bearer <token>`: `flash serve --print-token` prints one',
      );
    if (needed === 'write' && scope !== 'write')
      throw new HttpFailure(
        403,
        'FORBIDDEN',
        'this route changes the ledger: use the write token (`flash serve --print-token`), not the read one',
      );
    return true;
  }
}
