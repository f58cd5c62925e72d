// The response cache for hot reads and the change counters that keep it exact.
import { Global, Module } from '@nestjs/common';
import { ChangeVersionRepository } from './change-version.repository';
import { ChangeVersions } from './change-versions.service';
import { ReadCacheInterceptor } from './read-cache.interceptor';
import { ReadCacheMiddleware } from './read-cache.middleware';
import { ReadCache } from './read-cache.service';

@Global()
@Module({
  providers: [ChangeVersionRepository, ChangeVersions, ReadCache, ReadCacheInterceptor, ReadCacheMiddleware],
  exports: [ChangeVersions, ReadCache, ReadCacheInterceptor, ReadCacheMiddleware],
})
export class ReadCacheModule {}
