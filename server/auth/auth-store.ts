// The accounts domain's storage port. server/store/sqlite-auth-store.ts is the adapter; the
// domain (accounts.ts) holds the rules and never sees SQL.

export interface UserRecord {
  id: number;
  username: string;
  /** argon2id PHC string. */
  passwordHash: string;
  /** Epoch milliseconds. */
  createdAt: number;
}

export interface SessionRecord {
  id: string;
  userId: number;
  username: string;
  /** Hex SHA-256 of the session token; the token itself is never stored. */
  tokenHash: string;
  /** Epoch milliseconds, as every time here. */
  createdAt: number;
  expiresAt: number;
  lastSeenAt: number;
  clientAddress: string;
}

export type NewSession = Omit<SessionRecord, 'username'>;

export interface AuthStore {
  countUsers(): number;
  findUser(username: string): UserRecord | null;
  /** Inserts a user; with `onlyIfNone`, only when no user exists (checked in the same transaction): null otherwise. */
  createUser(user: Omit<UserRecord, 'id'>, onlyIfNone: boolean): UserRecord | null;
  setPasswordHash(userId: number, passwordHash: string): void;
  createSession(session: NewSession): void;
  /** The session with this token hash, if it has not expired at `now`. */
  findSession(tokenHash: string, now: number): SessionRecord | null;
  touchSession(id: string, lastSeenAt: number, expiresAt: number): void;
  /** Removes the session with this token hash; false when there was none. */
  deleteSessionByTokenHash(tokenHash: string): boolean;
  /** Removes the unexpired session with this id; false when there was none. */
  deleteSession(id: string, now: number): boolean;
  /** Unexpired sessions, newest first. */
  listSessions(now: number): SessionRecord[];
  /** Removes sessions expired at `now`; returns how many. */
  deleteExpiredSessions(now: number): number;
}
