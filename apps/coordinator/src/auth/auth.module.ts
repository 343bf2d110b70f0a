import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from './auth.guard';
import { SiteCertificateVerifier } from './site-certificate.verifier';
import { TokenAuthenticator } from './token-authenticator.service';

@Global()
@Module({
  providers: [TokenAuthenticator, SiteCertificateVerifier, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [TokenAuthenticator],
})
export class AuthModule {}
