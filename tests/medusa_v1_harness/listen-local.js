// `medusa start` (1.20) ignores --host and listens on every interface. Loaded with
// `node -r`, this keeps every server the process opens on 127.0.0.1 (tests must not
// expose a server to the network).
const net = require("net")
const original = net.Server.prototype.listen
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === "number" || (typeof args[0] === "string" && /^\d+$/.test(args[0]))) {
    const port = Number(args[0])
    const rest = args.slice(1).filter((a) => typeof a === "function")
    return original.call(this, { port, host: "127.0.0.1" }, ...rest)
  }
  if (args[0] && typeof args[0] === "object" && !args[0].path) {
    args[0] = { ...args[0], host: "127.0.0.1" }
  }
  return original.apply(this, args)
}
