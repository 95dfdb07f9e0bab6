/** A running throw-away cluster. */
export interface PostgresCluster {
  /** `postgres://user@127.0.0.1:port/postgres` (trust authentication). */
  readonly url: string;
  readonly port: number;
  /** Its temporary folder (data, socket, server.log). */
  readonly dir: string;
  /** Stops it (immediate mode) and removes its folder; idempotent. */
  stop(): void;
}
/** The folder holding `initdb` and `pg_ctl`, if PostgreSQL is installed. */
export function findPostgresBin(): string | undefined;
/** Starts a temporary cluster on 127.0.0.1 at a free port. */
export function startPostgresCluster(options?: { bin?: string }): Promise<PostgresCluster>;
