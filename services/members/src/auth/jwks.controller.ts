import { Controller, Get, Header } from '@nestjs/common';
import type { JSONWebKeySet } from 'jose';
import { TokenSigner } from './token-signer.js';

/**
 * The public key(s) that verify access tokens, for the gateway. Public by nature, and outside
 * /graphql, so it needs no identity header.
 */
@Controller('.well-known')
export class JwksController {
  constructor(private readonly signer: TokenSigner) {}

  @Get('jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  jwks(): Promise<JSONWebKeySet> {
    return this.signer.jwks();
  }
}
