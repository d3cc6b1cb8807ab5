/**
 * Public types of the framework-agnostic core, in three files by concern (options, report, refresher);
 * this barrel keeps one import path for the modules that use them. No Nest import under core/.
 */
export type * from './options.interface.js';
export type * from './report.interface.js';
export type * from './watcher.interface.js';
