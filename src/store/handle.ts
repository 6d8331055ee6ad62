import type { Database } from 'better-sqlite3';

/** An open database: what the store's classes are built on (db.ts opens it). */
export type Db = Database;
