import {
  bigint,
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  smallint,
  text,
  timestamp,
} from 'drizzle-orm/pg-core'
import { bytea } from './bytea.ts'
import { grids } from './grids.ts'

/** Roles of the three-level platform (三级平台). Ids are used by the admin command. */
export const ROLE_IDS = [
  'city-leader',
  'district-leader',
  'street-leader',
  'dispatcher',
  'department-handler',
  'grid-worker',
  'planner',
  'auditor',
  'admin',
] as const
export type RoleId = (typeof ROLE_IDS)[number]

export const roles = pgTable('roles', {
  id: text('id', { enum: ROLE_IDS }).primaryKey(),
  nameZh: text('name_zh').notNull(),
  nameEn: text('name_en').notNull(),
})

/**
 * Users. Each has an area: a grid subtree (`areaGridId`), or the whole city when null.
 * Every query function takes the caller's area, so area scoping is part of every query.
 */
export const users = pgTable(
  'users',
  {
    id: serial('id').primaryKey(),
    username: text('username').notNull().unique(),
    displayName: text('display_name').notNull(),
    passwordHash: text('password_hash'),
    areaGridId: integer('area_grid_id').references(() => grids.id),
    orgId: integer('org_id'),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** Consecutive failed sign-ins; the account locks after too many. */
    failedLogins: integer('failed_logins').notNull().default(0),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    passwordChangedAt: timestamp('password_changed_at', { withTimezone: true }),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
  },
  (t) => [index('users_area_idx').on(t.areaGridId)],
)

/**
 * Sign-in sessions. The cookie holds a random token; only its SHA-256 is stored. A session ends
 * after `idle` without use or at `expiresAt` (absolute), or when revoked (sign-out).
 */
export const sessions = pgTable(
  'sessions',
  {
    tokenHash: bytea('token_hash').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
)

/**
 * API tokens for machine clients (GIS tools, the Open311 gateway, wall-display kiosks), sent as
 * `Authorization: Bearer …`. Like users they carry a role and an area; only a hash is stored.
 */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    tokenHash: bytea('token_hash').notNull().unique(),
    roleId: text('role_id', { enum: ROLE_IDS })
      .notNull()
      .references(() => roles.id),
    areaGridId: integer('area_grid_id').references(() => grids.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    createdBy: text('created_by'),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('api_tokens_name_idx').on(t.name)],
)

/** Failed sign-ins per account and per address, checked before any password hashing. */
export const loginThrottle = pgTable('login_throttle', {
  /** 'user:<name>' or 'ip:<address>'. */
  key: text('key').primaryKey(),
  failures: integer('failures').notNull().default(0),
  windowStart: timestamp('window_start', { withTimezone: true }).notNull().defaultNow(),
  blockedUntil: timestamp('blocked_until', { withTimezone: true }),
})

/**
 * The audit trail (审计日志): append-only. Each record's hash covers its content and the previous
 * record's hash; `audit_head` (one row, locked while appending) holds the chain's end, so
 * concurrent writers cannot fork the chain.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actorUserId: integer('actor_user_id'),
    actorTokenId: integer('actor_token_id'),
    /** User name or token name at the time, kept even if the account is deleted later. */
    actorName: text('actor_name').notNull(),
    /** e.g. 'auth.sign_in', 'person.unmask', 'export', 'event.update', 'grid.update', 'user.create'. */
    action: text('action').notNull(),
    objectType: text('object_type'),
    objectId: text('object_id'),
    /** Why (required for unmasking personal data). */
    reason: text('reason'),
    before: jsonb('before'),
    after: jsonb('after'),
    ip: text('ip'),
    outcome: text('outcome', { enum: ['ok', 'denied', 'failed'] })
      .notNull()
      .default('ok'),
    prevHash: bytea('prev_hash').notNull(),
    hash: bytea('hash').notNull(),
  },
  (t) => [
    index('audit_log_at_idx').on(t.at),
    index('audit_log_actor_idx').on(t.actorName, t.at),
    index('audit_log_action_idx').on(t.action, t.at),
  ],
)

/** The end of the audit chain: one row, updated under a row lock by every append. */
export const auditHead = pgTable('audit_head', {
  id: smallint('id').primaryKey(),
  lastId: bigint('last_id', { mode: 'number' }).notNull(),
  lastHash: bytea('last_hash').notNull(),
})

export const userRoles = pgTable(
  'user_roles',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    roleId: text('role_id', { enum: ROLE_IDS })
      .notNull()
      .references(() => roles.id),
  },
  (t) => [primaryKey({ columns: [t.userId, t.roleId] })],
)
