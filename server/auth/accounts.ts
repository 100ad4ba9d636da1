// Dashboard users and sessions (design.md, Dashboard access): the rules for usernames and
// passwords, first-run admin creation, sign-in with per-user and per-address rate limits, and
// server-side sessions that expire (sliding) and can be revoked. Storage is behind AuthStore.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../ports.ts';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.ts';
import type { AuthStore, SessionRecord } from './auth-store.ts';
import { RateLimitedError, UnauthenticatedError } from './errors.ts';
import { hashPassword, verifyPassword } from './password.ts';
import { RateLimiter, type RateLimit } from './rate-limiter.ts';

export const USERNAME_PATTERN = /^[a-z0-9._-]{1,64}$/;
export const MIN_PASSWORD_LENGTH = 8;
export const DEFAULT_SESSION_TTL_MS = 7 * 24 * 60 * 60 * 1000;
export const DEFAULT_USER_LIMIT: RateLimit = { maxFailures: 5, windowMs: 15 * 60 * 1000 };
export const DEFAULT_ADDRESS_LIMIT: RateLimit = { maxFailures: 20, windowMs: 15 * 60 * 1000 };

/** One message for an unknown user and a wrong password, so sign-in does not reveal which names exist. */
export const INCORRECT_CREDENTIALS = 'Incorrect username or password';

/** A session as the API shows it: no token, no token hash. */
export interface Session {
  id: string;
  username: string;
  createdAt: number;
  expiresAt: number;
  clientAddress: string;
}

export interface AccountsOptions {
  store: AuthStore;
  clock: Clock;
  sessionTtlMs?: number;
  userLimit?: RateLimit;
  addressLimit?: RateLimit;
}

export type AdminOutcome = 'created' | 'password-updated' | 'unchanged';

export function checkUsername(field: string, username: string): string {
  if (!USERNAME_PATTERN.test(username))
    throw new InvalidInputError(
      field,
      'must be 1 to 64 characters of lowercase letters, digits, ".", "_" or "-"; for example "admin"',
    );
  return username;
}

export function checkPassword(field: string, password: string): string {
  if ([...password].length < MIN_PASSWORD_LENGTH)
    throw new InvalidInputError(field, `must be at least ${MIN_PASSWORD_LENGTH} characters long`);
  return password;
}

/** Hex SHA-256 of a session token: what the store keeps and looks sessions up by. */
export function tokenHashOf(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A fresh session token: 32 random bytes, base64url (43 characters). */
export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

function sessionOf(record: SessionRecord): Session {
  return {
    id: record.id,
    username: record.username,
    createdAt: record.createdAt,
    expiresAt: record.expiresAt,
    clientAddress: record.clientAddress,
  };
}

export class Accounts {
  private readonly store: AuthStore;
  private readonly clock: Clock;
  private readonly sessionTtlMs: number;
  private readonly byUser: RateLimiter;
  private readonly byAddress: RateLimiter;
  /** Verified against when the user does not exist, so an unknown name costs as long as a wrong password. */
  private decoyHash: Promise<string> | null = null;

  constructor(options: AccountsOptions) {
    this.store = options.store;
    this.clock = options.clock;
    this.sessionTtlMs = options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS;
    this.byUser = new RateLimiter(options.userLimit ?? DEFAULT_USER_LIMIT, options.clock);
    this.byAddress = new RateLimiter(options.addressLimit ?? DEFAULT_ADDRESS_LIMIT, options.clock);
  }

  adminExists(): boolean {
    return this.store.countUsers() > 0;
  }

  /** First run only: refused once any user exists. */
  async createAdmin(username: string, password: string): Promise<void> {
    checkUsername('username', username);
    checkPassword('password', password);
    if (this.adminExists()) throw alreadySetUp();
    const passwordHash = await hashPassword(password);
    // Checked again in the insert's transaction: another CreateAdmin may have won while we hashed.
    const created = this.store.createUser({ username, passwordHash, createdAt: this.clock.now() }, true);
    if (created === null) throw alreadySetUp();
  }

  /**
   * The admin named by the environment (HOMEPLANE_ADMIN_USER, HOMEPLANE_ADMIN_PASSWORD): created
   * when missing, its password replaced when it differs. Other users are left alone.
   */
  async ensureAdmin(username: string, password: string): Promise<AdminOutcome> {
    checkUsername('HOMEPLANE_ADMIN_USER', username);
    checkPassword('HOMEPLANE_ADMIN_PASSWORD', password);
    const user = this.store.findUser(username);
    if (user === null) {
      this.store.createUser(
        { username, passwordHash: await hashPassword(password), createdAt: this.clock.now() },
        false,
      );
      return 'created';
    }
    if (await verifyPassword(user.passwordHash, password)) return 'unchanged';
    this.store.setPasswordHash(user.id, await hashPassword(password));
    return 'password-updated';
  }

  async signIn(
    username: string,
    password: string,
    clientAddress: string,
  ): Promise<{ token: string; session: Session }> {
    if (username === '') throw new InvalidInputError('username', 'is required');
    if (password === '') throw new InvalidInputError('password', 'is required');
    const userKey = `user:${username}`;
    const addressKey = `address:${clientAddress}`;
    this.refuseIfLimited(this.byUser.retryAfterMs(userKey), 'this user');
    this.refuseIfLimited(this.byAddress.retryAfterMs(addressKey), 'this address');
    const user = this.store.findUser(username);
    const matches = await verifyPassword(user?.passwordHash ?? (await this.decoy()), password);
    if (user === null || !matches) {
      this.byUser.recordFailure(userKey);
      this.byAddress.recordFailure(addressKey);
      throw new UnauthenticatedError(INCORRECT_CREDENTIALS);
    }
    this.byUser.reset(userKey);
    const now = this.clock.now();
    this.store.deleteExpiredSessions(now);
    const token = newSessionToken();
    const record: SessionRecord = {
      id: randomUUID(),
      userId: user.id,
      username: user.username,
      tokenHash: tokenHashOf(token),
      createdAt: now,
      expiresAt: now + this.sessionTtlMs,
      lastSeenAt: now,
      clientAddress,
    };
    const { username: _name, ...stored } = record;
    this.store.createSession(stored);
    return { token, session: sessionOf(record) };
  }

  /** The token's session, its expiry pushed out to a full TTL from now. */
  checkSession(token: string): Session {
    const now = this.clock.now();
    const record = token === '' ? null : this.store.findSession(tokenHashOf(token), now);
    if (record === null) throw new UnauthenticatedError('The session has ended or does not exist; sign in again');
    const expiresAt = now + this.sessionTtlMs;
    this.store.touchSession(record.id, now, expiresAt);
    return sessionOf({ ...record, lastSeenAt: now, expiresAt });
  }

  signOut(token: string): void {
    if (token !== '') this.store.deleteSessionByTokenHash(tokenHashOf(token));
  }

  listSessions(): Session[] {
    return this.store.listSessions(this.clock.now()).map(sessionOf);
  }

  revokeSession(id: string): void {
    if (id === '') throw new InvalidInputError('id', 'is required; give the id of a session (ListSessions shows them)');
    if (!this.store.deleteSession(id, this.clock.now()))
      throw new NotFoundError(`no session has id "${id}"; ListSessions shows the current ones`);
  }

  private refuseIfLimited(retryAfterMs: number, who: string): void {
    if (retryAfterMs <= 0) return;
    const seconds = Math.ceil(retryAfterMs / 1000);
    const at = new Date(this.clock.now() + seconds * 1000).toISOString();
    throw new RateLimitedError(
      seconds,
      `Too many failed sign-ins for ${who}; try again in ${seconds} seconds (after ${at})`,
    );
  }

  private decoy(): Promise<string> {
    this.decoyHash ??= hashPassword(newSessionToken());
    return this.decoyHash;
  }
}

function alreadySetUp(): ConflictError {
  return new ConflictError('an admin already exists; sign in instead (first-run setup is over)');
}
