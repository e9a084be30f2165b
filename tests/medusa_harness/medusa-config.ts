// Tilldesk's test server: a stock Medusa v2 with no admin dashboard, no Redis
// (in-memory event bus, cache, locking and workflow engine are the defaults).
// The harness copies this file into each run's own project folder and passes
// the values through the environment, so nothing machine-specific is committed.
import { defineConfig } from "@medusajs/framework/utils"

function required(name: string): string {
  const value = process.env[name]
  if (!value) {
    throw new Error(`${name} must be set by the Tilldesk Medusa harness`)
  }
  return value
}

module.exports = defineConfig({
  projectConfig: {
    databaseUrl: required("DATABASE_URL"),
    databaseLogging: false,
    http: {
      storeCors: process.env.STORE_CORS || "http://127.0.0.1",
      adminCors: process.env.ADMIN_CORS || "http://127.0.0.1",
      authCors: process.env.AUTH_CORS || "http://127.0.0.1",
      jwtSecret: required("JWT_SECRET"),
      cookieSecret: required("COOKIE_SECRET"),
    },
  },
  admin: {
    disable: true,
  },
})
