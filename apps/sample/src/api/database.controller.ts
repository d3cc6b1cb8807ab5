import { Controller, Get } from '@nestjs/common';
import { StatusService } from '../status/status.service.js';
import type { DatabaseStatus } from '../status/status.interfaces.js';

/**
 * Stands in for a database client: a real app would hand `Sample.Database.ConnectionString` to its
 * driver. The sample only says whether it is there and which version — never the string.
 */
@Controller('api')
export class DatabaseController {
  constructor(private readonly status: StatusService) {}

  /** `GET /api/database`: `{ connectionString: 'loaded', version }` or `{ connectionString: 'missing' }`. */
  @Get('database')
  database(): DatabaseStatus {
    return this.status.database();
  }
}
