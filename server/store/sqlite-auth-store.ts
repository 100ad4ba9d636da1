// Users and sessions on SQLite (the AuthStore port of server/auth/). Sessions are found by the
// SHA-256 of their token through a unique index; the token itself is never written.
import type Database from 'better-sqlite3';
import type { AuthStore, NewSession, SessionRecord, UserRecord } from '../auth/auth-store.ts';

interface UserRowRaw {
  id: number;
  username: string;
  password_hash: string;
  created_at: number;
}

interface SessionRowRaw {
  id: string;
  user_id: number;
  username: string;
  token_hash: string;
  created_at: number;
  expires_at: number;
  last_seen_at: number;
  client_address: string;
}

const SESSION_COLUMNS =
  'sessions.id, sessions.user_id, users.username, sessions.token_hash, sessions.created_at, sessions.expires_at, sessions.last_seen_at, sessions.client_address';

export class SqliteAuthStore implements AuthStore {
  constructor(private readonly raw: Database.Database) {}

  countUsers(): number {
    return (this.raw.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
  }

  findUser(username: string): UserRecord | null {
    const row = this.raw.prepare('SELECT * FROM users WHERE username = ?').get(username) as UserRowRaw | undefined;
    return row === undefined ? null : userOf(row);
  }

  createUser(user: Omit<UserRecord, 'id'>, onlyIfNone: boolean): UserRecord | null {
    return this.raw.transaction((): UserRecord | null => {
      if (onlyIfNone && this.countUsers() > 0) return null;
      const result = this.raw
        .prepare('INSERT INTO users (username, password_hash, created_at) VALUES (?, ?, ?)')
        .run(user.username, user.passwordHash, user.createdAt);
      return { ...user, id: Number(result.lastInsertRowid) };
    })();
  }

  setPasswordHash(userId: number, passwordHash: string): void {
    this.raw.prepare('UPDATE users SET password_hash = ? WHERE id = ?').run(passwordHash, userId);
  }

  createSession(session: NewSession): void {
    this.raw
      .prepare(
        'INSERT INTO sessions (id, user_id, token_hash, created_at, expires_at, last_seen_at, client_address) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        session.id,
        session.userId,
        session.tokenHash,
        session.createdAt,
        session.expiresAt,
        session.lastSeenAt,
        session.clientAddress,
      );
  }

  findSession(tokenHash: string, now: number): SessionRecord | null {
    const row = this.raw
      .prepare(
        `SELECT ${SESSION_COLUMNS} FROM sessions JOIN users ON users.id = sessions.user_id WHERE sessions.token_hash = ? AND sessions.expires_at > ?`,
      )
      .get(tokenHash, now) as SessionRowRaw | undefined;
    return row === undefined ? null : sessionOf(row);
  }

  touchSession(id: string, lastSeenAt: number, expiresAt: number): void {
    this.raw
      .prepare('UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id = ?')
      .run(lastSeenAt, expiresAt, id);
  }

  deleteSessionByTokenHash(tokenHash: string): boolean {
    return this.raw.prepare('DELETE FROM sessions WHERE token_hash = ?').run(tokenHash).changes > 0;
  }

  deleteSession(id: string, now: number): boolean {
    return this.raw.prepare('DELETE FROM sessions WHERE id = ? AND expires_at > ?').run(id, now).changes > 0;
  }

  listSessions(now: number): SessionRecord[] {
    const rows = this.raw
      .prepare(
        `SELECT ${SESSION_COLUMNS} FROM sessions JOIN users ON users.id = sessions.user_id WHERE sessions.expires_at > ? ORDER BY sessions.created_at DESC, sessions.id`,
      )
      .all(now) as SessionRowRaw[];
    return rows.map(sessionOf);
  }

  deleteExpiredSessions(now: number): number {
    return this.raw.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now).changes;
  }
}

function userOf(row: UserRowRaw): UserRecord {
  return { id: row.id, username: row.username, passwordHash: row.password_hash, createdAt: row.created_at };
}

function sessionOf(row: SessionRowRaw): SessionRecord {
  return {
    id: row.id,
    userId: row.user_id,
    username: row.username,
    tokenHash: row.token_hash,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastSeenAt: row.last_seen_at,
    clientAddress: row.client_address,
  };
}
