import { Body, Controller, Header, HttpCode, Post } from '@nestjs/common';
import { ApiKeysService, type ApiKeyVerification } from './api-keys.service.js';

/**
 * The gateway's check of a partner's secret, on every request that carries one. Outside GraphQL, so it
 * is in no client's schema; ApiKeysModule puts it behind the signed identity header, like /graphql, so
 * only the gateway (or a subgraph) can call it.
 */
@Controller('internal/api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post('verify')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  verify(@Body() body: unknown): Promise<ApiKeyVerification> {
    const secret = (body as { secret?: unknown } | null)?.secret;
    if (typeof secret !== 'string' || secret.length > 200) return Promise.resolve({ valid: false, reason: 'unknown' });
    return this.apiKeys.verify(secret);
  }
}
