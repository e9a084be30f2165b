// Tilldesk's Medusa v1 test server: stock 1.20.11, no Redis (fake Redis, local event bus,
// in-memory cache), the manual payment and fulfillment providers, tax-inclusive pricing on.
// The harness copies this file into each run's own project folder and passes the values
// through the environment, so nothing machine-specific is committed.
function required(name) {
  const value = process.env[name]
  if (!value) {
    throw new Error(`${name} must be set by the Tilldesk Medusa v1 harness`)
  }
  return value
}

module.exports = {
  projectConfig: {
    database_url: required("DATABASE_URL"),
    database_type: "postgres",
    database_logging: false,
    store_cors: "http://127.0.0.1",
    admin_cors: "http://127.0.0.1",
    jwt_secret: required("JWT_SECRET"),
    cookie_secret: required("COOKIE_SECRET"),
  },
  plugins: ["medusa-fulfillment-manual", "medusa-payment-manual"],
  modules: {
    eventBus: { resolve: "@medusajs/event-bus-local" },
    cacheService: { resolve: "@medusajs/cache-inmemory" },
  },
  featureFlags: {
    tax_inclusive_pricing: true,
  },
}
