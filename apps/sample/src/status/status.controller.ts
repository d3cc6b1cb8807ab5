import { Controller, Get, Header } from '@nestjs/common';
import { renderStatusPage } from './status-page.js';
import type { StatusView } from './status.interfaces.js';
import { StatusService } from './status.service.js';

/** `GET /`: the server-rendered status page. */
@Controller()
export class StatusController {
  constructor(private readonly status: StatusService) {}

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  // The page is built per request from live state; never let a proxy keep an old one.
  @Header('cache-control', 'no-store')
  page(): string {
    return renderStatusPage(this.status.view());
  }

  /** `GET /api/status`: what the page shows, as JSON (names, versions, ids and dates — no value). */
  @Get('api/status')
  @Header('cache-control', 'no-store')
  json(): StatusView {
    return this.status.view();
  }
}
