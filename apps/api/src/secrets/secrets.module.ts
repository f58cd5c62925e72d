import { Global, Module } from '@nestjs/common';
import { fromRepoRoot } from '../common/paths';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/env.schema';
import { SecretBox } from './secret-box';

export const SECRET_BOX = Symbol('SECRET_BOX');

@Global()
@Module({
  providers: [
    {
      provide: SECRET_BOX,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        config.KORDON_SECRET_KEY
          ? SecretBox.fromBase64(config.KORDON_SECRET_KEY)
          : SecretBox.fromKeyFile(fromRepoRoot(config.KORDON_DATA_DIR, 'secret.key')),
    },
  ],
  exports: [SECRET_BOX],
})
export class SecretsModule {}
